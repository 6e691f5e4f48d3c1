// Export of a list the user is looking at, as CSV or XLSX, made in the browser. Text a
// spreadsheet would run as a formula is neutralised in CSV (a leading apostrophe, as the server's
// exports do); XLSX cells are typed, and text cells are never evaluated.
export type Cell = string | number | boolean | null;

function csvCell(v: Cell): string {
  if (v === null) return "";
  let s = String(v);
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function download(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

export function exportCsv(fileName: string, header: string[], rows: Cell[][]) {
  download(new Blob([toCsv(header, rows)], { type: "text/csv;charset=utf-8" }), fileName);
}

export async function exportXlsx(fileName: string, header: string[], rows: Cell[][]) {
  const { default: writeXlsxFile } = await import("write-excel-file/browser");
  const data = [
    header.map((h) => ({ value: h, fontWeight: "bold" as const })),
    ...rows.map((r) => r.map((v) => (v === null ? null : { value: v }))),
  ];
  download(await writeXlsxFile(data).toBlob(), fileName);
}
