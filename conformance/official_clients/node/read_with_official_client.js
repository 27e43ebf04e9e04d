// Reads a table of the fake BigQuery Storage server through Google's
// official Node client (@google-cloud/bigquery-storage), unmodified, decodes
// every row with an independent Avro decoder (avsc) and checks each value
// against the rows the dataset defines (printed by //dataset:print_rows).
// See README.md.
//
//   node read_with_official_client.js --modules=DIR --target=HOST:PORT \
//       --table=projects/forkcheck/datasets/synthetic/tables/small \
//       --expected_rows=FILE --expected_streams=10 [--max_streams=3] \
//       [--timeout_ms=60000]
//
// --modules is the directory the client was installed into (install_client.sh
// prints it); --expected_rows what //dataset:print_rows prints for the table.
// Checks, in order:
//  1. the client's reader API (ReadClient): CreateReadSession lets the server
//     choose the stream count, which must be --expected_streams; every
//     stream is read to its end with ReadStream, every response's rows are
//     decoded (as many as its row_count) and compared, value by value, with
//     the expected row of the same row_id; every row arrives exactly once;
//  2. the generated client (BigQueryReadClient) with max_stream_count
//     --max_streams: min(--max_streams, --expected_streams) streams, read
//     again in full with the same checks;
//  3. ReadRows from an offset: from the middle of the first stream with two
//     rows or more, exactly that stream's rows from there on; from its
//     length, no rows and no error.
// Exit status: 0 when every check passes; 1 when a check or a call fails
// (the message names which); 2 for bad flags or a client that cannot load.
'use strict';

const {loadClient, fakeEndpointOptions, parseFlagValues,
       scriptMain} = require('./official_client');
const {CheckFailure, readExactRows, sessionContext, readAll,
       checkExactlyOnce, readWholeTable} = require('./exact_rows');

const NAME = 'read_with_official_client';

function parseFlags(argv) {
  const {values, integer, target, timeoutMs} = parseFlagValues(argv, {
    expected_rows: {type: 'string'},
    expected_streams: {type: 'string'},
    max_streams: {type: 'string', default: '3'},
  }, ['expected_rows', 'expected_streams']);
  return {
    modules: values.modules,
    target,
    table: values.table,
    expectedRowsPath: values.expected_rows,
    expectedStreams: integer('expected_streams', 0),
    maxStreams: integer('max_streams'),
    timeoutMs,
  };
}

function checkStreamCount(session, expected, what) {
  const streams = session.streams || [];
  if (streams.length !== expected) {
    throw new CheckFailure(
        `${what}: ${streams.length} streams, expected ${expected}`);
  }
  return streams;
}

async function run(flags) {
  const client = loadClient(flags.modules);
  const expectedRows = readExactRows(flags.expectedRowsPath, 'expected_rows');
  const callOptions = {timeout: flags.timeoutMs};
  const reader = new client.storage.reader.ReadClient(
      fakeEndpointOptions(client, flags.target));
  try {
    // 1. The reader API, the server choosing the stream count.
    const what = `${flags.table} (ReadClient session)`;
    const {session} = await readWholeTable(
        client.avro, reader, flags.table, expectedRows, callOptions, what);
    const streams = checkStreamCount(session, flags.expectedStreams, what);

    // 2. The generated client, with max_stream_count.
    const gapic = reader.getClient();
    const [limited] = await gapic.createReadSession({
      parent: 'projects/forkcheck',
      readSession: {table: flags.table, dataFormat: 'AVRO'},
      maxStreamCount: flags.maxStreams,
    }, callOptions);
    const limitedWhat = `${flags.table} (BigQueryReadClient, ` +
        `max_stream_count ${flags.maxStreams})`;
    const limitedContext =
        sessionContext(client.avro, limited, expectedRows, limitedWhat);
    const limitedStreams = checkStreamCount(
        limited, Math.min(flags.maxStreams, flags.expectedStreams),
        limitedWhat);
    const limitedIds = await Promise.all(limitedStreams.map(
        (stream) => readAll(
            gapic.readRows({readStream: stream.name, offset: 0}, callOptions),
            `${limitedWhat} ${stream.name}`, limitedContext)));
    checkExactlyOnce(limitedIds, expectedRows, limitedWhat);

    // 3. ReadRows from an offset.
    const index = limitedIds.findIndex((ids) => ids.length >= 2);
    let offsetNote = 'no stream with 2 rows or more: no offset read';
    if (index >= 0) {
      const stream = limitedStreams[index].name;
      const whole = limitedIds[index];
      const middle = Math.floor(whole.length / 2);
      const fromMiddle = await readAll(
          gapic.readRows({readStream: stream, offset: middle}, callOptions),
          `${stream} from offset ${middle}`, limitedContext);
      const expectedIds = whole.slice(middle);
      if (fromMiddle.length !== expectedIds.length ||
          fromMiddle.some((id, i) => id !== expectedIds[i])) {
        throw new CheckFailure(
            `${stream} from offset ${middle}: rows ${fromMiddle[0]}.. ` +
            `(${fromMiddle.length}), expected ${expectedIds[0]}.. ` +
            `(${expectedIds.length})`);
      }
      const fromEnd = await readAll(
          gapic.readRows({readStream: stream, offset: whole.length},
                         callOptions),
          `${stream} from offset ${whole.length}`, limitedContext);
      if (fromEnd.length !== 0) {
        throw new CheckFailure(`${stream} from its length ${whole.length}: ` +
                               `${fromEnd.length} rows, expected none`);
      }
      offsetNote = `offsets ${middle} and ${whole.length} of a ` +
          `${whole.length}-row stream`;
    }
    console.log(`${NAME}: ${flags.table}: ${expectedRows.size} rows ` +
                `checked value by value, over ${streams.length} streams ` +
                `(server's choice) and ${limitedStreams.length} ` +
                `(max_stream_count ${flags.maxStreams}); ${offsetNote}; ` +
                `client ${client.version}, node ${process.version}`);
  } finally {
    reader.close();
  }
}

function main() {
  scriptMain(NAME, parseFlags, run,
             (error) => error instanceof CheckFailure);
}

main();
