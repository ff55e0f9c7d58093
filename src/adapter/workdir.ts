/**
 * The private folder a client run works in: created 0700 under the system's temp folder, one 0700
 * subfolder per case, private keys written 0600 (draft 7: "Implementations MUST protect all private
 * keys" holds for the suite's test keys too: no other local user reads them while a command runs).
 * Files are created exclusively (`wx`), so nothing planted in advance is followed or overwritten.
 */
import { chmod, lstat, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomsecError } from '../errors.js';

export class PrivateWorkdir {
  private constructor(readonly path: string) {}

  static async create(prefix = 'domsec-client-'): Promise<PrivateWorkdir> {
    try {
      const path = await mkdtemp(join(tmpdir(), prefix));
      // mkdtemp already uses 0700; say it, whatever the umask or platform.
      await chmod(path, 0o700);
      return new PrivateWorkdir(path);
    } catch (e) {
      throw new DomsecError('WRITE_FAILED', `cannot create a private temp folder under ${tmpdir()}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  /** A fresh 0700 folder for one case. */
  async caseDir(name: string): Promise<string> {
    const dir = join(this.path, name);
    await mkdir(dir, { mode: 0o700 });
    await chmod(dir, 0o700);
    return dir;
  }

  /** Write a file the command reads: 0600 for private keys, 0644 otherwise (the folder is private anyway). */
  static async writeInput(path: string, data: Buffer | string, secret = false): Promise<void> {
    await writeFile(path, data, { mode: secret ? 0o600 : 0o644, flag: 'wx' });
    if (secret) await chmod(path, 0o600);
  }

  async remove(): Promise<void> {
    await PrivateWorkdir.removeTree(this.path);
  }
  /** For exit and signal handlers, where nothing asynchronous runs any more. */
  removeSync(): void {
    try {
      rmSync(this.path, { recursive: true, force: true });
    } catch {
      // Best effort while the process is being interrupted.
    }
  }

  /**
   * Remove a folder a vendor's command worked in. The command may have left subfolders without
   * permissions (chmod 000): give the owner its rights back and try again, rather than fail the run.
   */
  static async removeTree(path: string): Promise<void> {
    try {
      await rm(path, { recursive: true, force: true });
      return;
    } catch {
      await restoreOwnerRights(path);
    }
    await rm(path, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function restoreOwnerRights(path: string): Promise<void> {
  try {
    const st = await lstat(path);
    if (!st.isDirectory()) return;
    await chmod(path, 0o700);
    for (const name of await readdir(path)) await restoreOwnerRights(join(path, name));
  } catch {
    // Whatever cannot be repaired is left to the final rm, which ignores it.
  }
}
