// Runs the graphql-http server audits (the GraphQL-over-HTTP specification's reference
// checks) against a running Bantin. Every MUST has to pass; SHOULD and MAY results are printed.
//
//   node audit.mjs http://127.0.0.1:8080/graphql
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}

let failedMust = 0;
let passed = 0;
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  if (result.status === 'ok') {
    passed += 1;
    continue;
  }
  const level = audit.name.split(' ')[0];
  console.log(`${result.status} [${level}] ${audit.id} ${audit.name}: ${result.reason}`);
  if (level === 'MUST') failedMust += 1;
}
console.log(`${passed} audits passed, ${failedMust} MUST failures`);
process.exit(failedMust === 0 ? 0 : 1);
