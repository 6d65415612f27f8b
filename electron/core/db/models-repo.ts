import type { ModelRecord } from '../../contract';
import { camelCaseKeys } from '../models/inspected';
import type { Db } from './open';
import { nowIso, readJson } from './json';

interface ModelRow {
  id: string;
  name: string;
  source_path: string;
  stored_path: string;
  framework: ModelRecord['framework'];
  task: ModelRecord['task'];
  class_names: string;
  imgsz: string;
  sha256: string;
  size_bytes: number;
  details: string;
  created_at: string;
}

function toModel(row: ModelRow): ModelRecord {
  return {
    id: row.id,
    name: row.name,
    sourcePath: row.source_path,
    storedPath: row.stored_path,
    framework: row.framework,
    task: row.task,
    classNames: readJson<string[]>(row.class_names, []),
    imgsz: readJson<number[]>(row.imgsz, []),
    sha256: row.sha256,
    sizeBytes: row.size_bytes,
    details: camelCaseKeys(readJson<Record<string, unknown>>(row.details, {})),
    createdAt: row.created_at,
  };
}

export type NewModel = Omit<ModelRecord, 'createdAt'>;

export class ModelsRepo {
  constructor(private readonly db: Db) {}

  insert(model: NewModel): ModelRecord {
    this.db
      .prepare(
        `INSERT INTO models (id, name, source_path, stored_path, framework, task, class_names, imgsz, sha256,
           size_bytes, details, created_at)
         VALUES (@id, @name, @sourcePath, @storedPath, @framework, @task, @classNames, @imgsz, @sha256,
           @sizeBytes, @details, @createdAt)`,
      )
      .run({
        ...model,
        classNames: JSON.stringify(model.classNames),
        imgsz: JSON.stringify(model.imgsz),
        details: JSON.stringify(model.details),
        createdAt: nowIso(),
      });
    return this.get(model.id)!;
  }

  get(id: string): ModelRecord | null {
    const row = this.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined;
    return row ? toModel(row) : null;
  }

  findBySha256(sha256: string): ModelRecord | null {
    const row = this.db
      .prepare('SELECT * FROM models WHERE sha256 = ? ORDER BY created_at LIMIT 1')
      .get(sha256) as ModelRow | undefined;
    return row ? toModel(row) : null;
  }

  list(): ModelRecord[] {
    return (this.db.prepare('SELECT * FROM models ORDER BY created_at DESC, id').all() as ModelRow[]).map(
      toModel,
    );
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM models WHERE id = ?').run(id).changes > 0;
  }
}
