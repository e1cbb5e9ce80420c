import { TtyProgressLine } from './tty-progress-line';

function terminal(columns?: number) {
  const writes: string[] = [];
  return { writes, stream: { columns, write: (text: string) => writes.push(text) > 0 } };
}

describe('TtyProgressLine', () => {
  it('redraws in place and parks the cursor in column 0', () => {
    const { writes, stream } = terminal(80);
    const line = new TtyProgressLine(stream);
    line.update('full sync: 10/100 attributes (10.0%), 5/s, ETA 18s');
    line.update('full sync: 20/100 attributes (20.0%), 5/s, ETA 16s');
    expect(writes).toEqual(['\r\u001b[Kfull sync: 10/100 attributes (10.0%), 5/s, ETA 18s\r', '\r\u001b[Kfull sync: 20/100 attributes (20.0%), 5/s, ETA 16s\r']);
  });

  it('cuts the text to the terminal width', () => {
    const { writes, stream } = terminal(30);
    new TtyProgressLine(stream).update('x'.repeat(100));
    expect(writes[0]).toBe(`\r\u001b[K${'x'.repeat(29)}\r`);
  });

  it('erases the line when done, and only if it drew one', () => {
    const { writes, stream } = terminal();
    const line = new TtyProgressLine(stream);
    line.done();
    expect(writes).toEqual([]);
    line.update('feed: 5 attributes');
    line.done();
    line.done();
    expect(writes.at(-1)).toBe('\r\u001b[K');
    expect(writes).toHaveLength(2);
  });
});
