// Parses each Mermaid file named on the command line with Mermaid's own parser.
// Exit code 0 when all parse; 1 and the parser's message for the first that does not.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

// Mermaid sanitizes labels with DOMPurify, which needs a DOM window.
const dom = new JSDOM('');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const mermaid = (await import('mermaid')).default;

let failed = 0;
for (const path of process.argv.slice(2)) {
  try {
    const result = await mermaid.parse(readFileSync(path, 'utf8'));
    console.log(`ok ${path} (${result.diagramType})`);
  } catch (error) {
    failed += 1;
    console.log(`error ${path}: ${error.message}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
