// The quarantine's single-process store for Node, Deno and Bun: a directory, one file per
// entry (`{id}.http`, an HTTP capture `hookguard validate DIR`, `survey DIR` and `quarantine
// replay DIR` read). The same files, written the same way, as the command line's and the
// tower layer's store (crates/hookguard/src/gate/quarantine/directory.rs).
//
// Nothing here decides what is kept or what makes room: the Gate names the entry and its
// bytes (`admission.quarantine`) and weighs evictions (`gate.quarantineEvictions`). This file
// only writes, lists and removes files.
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { link, open, readdir, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';

const EXTENSION = '.http';
let serial = 0;

function temporaryName(id) {
  serial += 1;
  return `.${id}.${process.pid}.${serial}.tmp`;
}

async function removeQuietly(path) {
  try {
    await unlink(path);
  } catch (error) {
    if (error?.code !== 'ENOENT') throw error;
  }
}

/**
 * A quarantine directory for a Gate configured with `quarantine` (its `directory` unless
 * another is given). Created when missing and proven writable now: a directory the process
 * cannot write is refused at start, not at the first refused delivery.
 */
export class DirectoryQuarantine {
  constructor(gate, directory = gate?.quarantine?.directory) {
    if (!gate?.quarantine) {
      throw new TypeError('DirectoryQuarantine needs a Gate configured with a quarantine option');
    }
    if (typeof directory !== 'string' || directory === '') {
      throw new TypeError('DirectoryQuarantine needs a directory: quarantine.directory in the Gate\'s configuration');
    }
    this.gate = gate;
    this.directory = directory;
    /** Counted by the receivers: entries kept, retries found kept, entries evicted, keeps that failed. */
    this.stats = { kept: 0, alreadyKept: 0, evicted: 0, unavailable: 0 };
    mkdirSync(directory, { recursive: true });
    const probe = join(directory, temporaryName('probe'));
    writeFileSync(probe, '');
    unlinkSync(probe);
  }

  /**
   * Keeps a refused delivery: `entry` is `admission.quarantine`, `body` the bytes the Gate
   * saw. Resolves to `{ kept: true, evicted }` when written now (after removing `evicted`
   * entries to make room), `{ kept: false, evicted: 0 }` when the entry was there already (a
   * retry). Rejects when the directory cannot be written.
   */
  async keep(entry, body, now) {
    const target = join(this.directory, entry.id + EXTENSION);
    if (await stat(target).then(() => true, () => false)) return { kept: false, evicted: 0 };
    const held = await this.held();
    const evicted = this.gate.quarantineEvictions(held, entry.bytes, now);
    for (const index of evicted) await removeQuietly(join(this.directory, held[index].id + EXTENSION));
    const temporary = join(this.directory, temporaryName(entry.id));
    try {
      const file = await open(temporary, 'wx');
      try {
        await file.writeFile(entry.head);
        await file.writeFile(body);
        await file.sync();
      } finally {
        await file.close();
      }
      // When the entry was first seen is its file's time: listing the directory is enough
      // to weigh evictions.
      await utimes(temporary, entry.firstSeen, entry.firstSeen);
      try {
        // A link fails when the name exists: of two processes keeping one entry, one keeps it.
        await link(temporary, target);
      } catch (error) {
        if (error?.code === 'EEXIST') return { kept: false, evicted: evicted.length };
        throw error;
      }
      return { kept: true, evicted: evicted.length };
    } finally {
      await removeQuietly(temporary);
    }
  }

  /** The entries held: `[{ id, firstSeen, bytes }]`, as `gate.quarantineEvictions` takes them. */
  async held() {
    const held = [];
    for (const name of await readdir(this.directory)) {
      if (!name.endsWith(EXTENSION) || name.startsWith('.')) continue;
      const facts = await stat(join(this.directory, name)).catch(() => null);
      if (!facts?.isFile()) continue;
      held.push({ id: name.slice(0, -EXTENSION.length), firstSeen: Math.floor(facts.mtimeMs / 1000), bytes: facts.size });
    }
    return held;
  }
}
