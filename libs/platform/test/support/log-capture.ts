import { Writable } from 'node:stream';

/** Collects the JSON log lines the platform's logger writes. */
export class LogCapture extends Writable {
  private readonly chunks: string[] = [];

  public override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk.toString('utf8'));
    done();
  }

  public text(): string {
    return this.chunks.join('');
  }
}
