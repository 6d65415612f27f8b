// What a person told the preview about a plain ONNX file that does not say its task, class names or input size,
// keyed by the file's sha256 so a copy or a renamed file is still recognised. A column is NULL until asked.
export default `
CREATE TABLE preview_model_answers (
  sha256       TEXT PRIMARY KEY,
  task         TEXT CHECK (task IN ('detect', 'segment', 'classify', 'pose')),
  class_names  TEXT,
  imgsz        TEXT,
  updated_at   TEXT NOT NULL
);
`;
