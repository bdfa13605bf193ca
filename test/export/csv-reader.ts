/**
 * A strict RFC 4180 reader for the tests (what Python's csv module and pandas read): quoted fields may hold commas,
 * doubled quotes and line breaks; anything else malformed throws instead of being guessed.
 */
export function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("unterminated quoted field");
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        cell += text[i++];
      }
      if (i < text.length && text[i] !== "," && text[i] !== "\n")
        throw new Error(`text after a closing quote at ${i}`);
    } else {
      while (i < text.length && text[i] !== "," && text[i] !== "\n") {
        if (text[i] === '"' || text[i] === "\r") throw new Error(`bare ${JSON.stringify(text[i])} at ${i}`);
        cell += text[i++];
      }
    }
    row.push(cell);
    if (text[i] === ",") {
      i++;
      continue;
    }
    rows.push(row);
    row = [];
    i++; // the "\n" (or past the end)
  }
  return rows;
}

/** Rows as objects keyed by the header row. */
export function readCsvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = readCsv(text);
  if (!header) throw new Error("no header");
  return rows.map((cells) => {
    if (cells.length !== header.length)
      throw new Error(`row has ${cells.length} cells, header ${header.length}`);
    return Object.fromEntries(header.map((name, i) => [name, cells[i]!]));
  });
}
