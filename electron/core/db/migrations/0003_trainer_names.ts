// The trainer's names in stored export jobs (README, "Names across Python and TypeScript"): a format result keeps
// the names the trainer gives its figures (`latency_ms`, `duration_ms`, `calibration.sample_photos`, as in
// metadata.json), and the calibration folder option is `calib_dir`, the name in the trainers' registry. Rows written
// before were renamed on the way in (`latencyMs`, `durationMs`, `samplePhotos`) or out (`calibDir`).
export default `
UPDATE export_jobs
SET format_results = (
  SELECT json_group_array(
    CASE
      WHEN json_type(entry.value) <> 'object' THEN json(entry.value)
      ELSE json_remove(
        json_set(
          entry.value,
          '$.latency_ms', COALESCE(json_extract(entry.value, '$.latencyMs'), json_extract(entry.value, '$.latency_ms')),
          '$.duration_ms', COALESCE(json_extract(entry.value, '$.durationMs'), json_extract(entry.value, '$.duration_ms')),
          '$.calibration',
          CASE
            WHEN json_type(entry.value, '$.calibration') = 'object' THEN json_remove(
              json_set(
                json_extract(entry.value, '$.calibration'),
                '$.sample_photos',
                json(CASE WHEN COALESCE(
                  json_extract(entry.value, '$.calibration.samplePhotos'),
                  json_extract(entry.value, '$.calibration.sample_photos')
                ) THEN 'true' ELSE 'false' END)
              ),
              '$.samplePhotos'
            )
          END
        ),
        '$.latencyMs',
        '$.durationMs'
      )
    END
  )
  FROM json_each(export_jobs.format_results) AS entry
)
WHERE json_valid(format_results) AND json_type(format_results) = 'array';

UPDATE export_jobs
SET optimization_config = json_remove(
  json_set(optimization_config, '$.calib_dir', json_extract(optimization_config, '$.calibDir')),
  '$.calibDir'
)
WHERE json_valid(optimization_config) AND json_type(optimization_config, '$.calibDir') IS NOT NULL;
`;
