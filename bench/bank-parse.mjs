// One parser over one camt.053 file, for bench/bank.mjs to time and measure (peak RSS):
//   node bench/bank-parse.mjs saxes|fast-xml-parser <file>
// saxes is what payrecon uses (streamed, through the real importer); fast-xml-parser is the
// non-streaming parser the project already had for tests: it must hold the whole document.
import { createReadStream, readFileSync } from 'node:fs';

const [which, file] = process.argv.slice(2);
let entries = 0;
if (which === 'saxes') {
  const { camtImporter } = await import('../dist/importers/bank/camt.js');
  for await (const batch of camtImporter.parse(createReadStream(file), { file })) {
    for (const ev of batch) if (ev.kind === 'entry') entries++;
  }
} else {
  const { XMLParser } = await import('fast-xml-parser');
  const doc = new XMLParser().parse(readFileSync(file, 'utf8'));
  const ntry = doc.Document.BkToCstmrStmt.Stmt.Ntry;
  entries = Array.isArray(ntry) ? ntry.length : 1;
}
console.log(JSON.stringify({ entries }));
