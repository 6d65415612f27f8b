import type { ServableTask } from '../../contract';
import type { Db } from '../db';
import { nowIso, readJson } from '../db/json';

/** A person answers a task the preview can decode. */
export type AnsweredTask = ServableTask;

/** Facts a person gave for a model; each is absent until they were asked for it. */
export interface ModelAnswers {
  task?: AnsweredTask;
  names?: string[];
  /** [height, width]. */
  imgsz?: [number, number];
}

interface AnswersRow {
  task: AnsweredTask | null;
  class_names: string | null;
  imgsz: string | null;
}

/** What people told the preview about plain ONNX files, by the file's sha256. */
export class ModelAnswersRepo {
  constructor(private readonly db: Db) {}

  get(sha256: string): ModelAnswers | null {
    const row = this.db
      .prepare('SELECT task, class_names, imgsz FROM preview_model_answers WHERE sha256 = ?')
      .get(sha256) as AnswersRow | undefined;
    if (!row) return null;
    const answers: ModelAnswers = {};
    if (row.task) answers.task = row.task;
    const names = readJson<string[] | null>(row.class_names, null);
    if (names) answers.names = names;
    const imgsz = readJson<number[] | null>(row.imgsz, null);
    if (imgsz && imgsz.length === 2) answers.imgsz = [imgsz[0]!, imgsz[1]!];
    return answers;
  }

  /** Adds to (or corrects) what is remembered; facts not given keep their earlier answer. */
  save(sha256: string, answers: ModelAnswers): void {
    this.db
      .prepare(
        `INSERT INTO preview_model_answers (sha256, task, class_names, imgsz, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (sha256) DO UPDATE SET task = COALESCE(excluded.task, task),
           class_names = COALESCE(excluded.class_names, class_names), imgsz = COALESCE(excluded.imgsz, imgsz),
           updated_at = excluded.updated_at`,
      )
      .run(
        sha256,
        answers.task ?? null,
        answers.names ? JSON.stringify(answers.names) : null,
        answers.imgsz ? JSON.stringify(answers.imgsz) : null,
        nowIso(),
      );
  }
}
