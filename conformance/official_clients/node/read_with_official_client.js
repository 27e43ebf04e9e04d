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
// prints it). Checks, in order:
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

const fs = require('fs');
const path = require('path');
const {createRequire} = require('module');
const {parseArgs} = require('util');

const NAME = 'read_with_official_client';

class UsageError extends Error {}
class CheckFailure extends Error {}

function parseFlags(argv) {
  let values;
  try {
    ({values} = parseArgs({
      args: argv,
      options: {
        modules: {type: 'string'},
        target: {type: 'string'},
        table: {type: 'string'},
        expected_rows: {type: 'string'},
        expected_streams: {type: 'string'},
        max_streams: {type: 'string', default: '3'},
        timeout_ms: {type: 'string', default: '60000'},
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(error.message);
  }
  for (const required of
       ['modules', 'target', 'table', 'expected_rows', 'expected_streams']) {
    if (!values[required]) throw new UsageError(`--${required} is required`);
  }
  const match = /^(.+):(\d{1,5})$/.exec(values.target);
  if (!match || Number(match[2]) > 65535) {
    throw new UsageError(`--target="${values.target}" is not HOST:PORT`);
  }
  const integer = (name, min) => {
    const text = values[name];
    if (!/^\d+$/.test(text) || Number(text) < min) {
      throw new UsageError(`--${name}="${text}" is not an integer >= ${min}`);
    }
    return Number(text);
  };
  return {
    modules: values.modules,
    host: match[1],
    port: Number(match[2]),
    table: values.table,
    expectedRowsPath: values.expected_rows,
    expectedStreams: integer('expected_streams', 0),
    maxStreams: integer('max_streams', 1),
    timeoutMs: integer('timeout_ms', 1),
  };
}

// The client's modules, from the install directory; google-gax must be the
// very copy the client uses, or the credentials made here would not be
// recognised by its gRPC.
function loadClient(modulesDir) {
  const requireInstalled =
      createRequire(path.join(path.resolve(modulesDir), 'package.json'));
  try {
    const storage = requireInstalled('@google-cloud/bigquery-storage');
    const gaxPath = requireInstalled.resolve('google-gax');
    const clientGaxPath = createRequire(
        requireInstalled.resolve('@google-cloud/bigquery-storage'))
        .resolve('google-gax');
    if (gaxPath !== clientGaxPath) {
      throw new Error(`two copies of google-gax (${gaxPath} and ` +
                      `${clientGaxPath}); the lock file must dedupe them`);
    }
    return {
      storage,
      grpc: requireInstalled('google-gax').grpc,
      PassThroughClient:
          requireInstalled('google-auth-library').PassThroughClient,
      avro: requireInstalled('avsc'),
      version: requireInstalled('@google-cloud/bigquery-storage/package.json')
                   .version,
    };
  } catch (error) {
    throw new UsageError(
        `cannot load the client from ${modulesDir}: ${error.message}`);
  }
}

// Avro longs (INT64, TIMESTAMP) as BigInt: avsc's default would refuse or
// round values beyond 2^53, which the dataset has.
function bigIntLongType(avro) {
  return avro.types.LongType.__with({
    fromBuffer: (buffer) => buffer.readBigInt64LE(),
    toBuffer: (value) => {
      const buffer = Buffer.alloc(8);
      buffer.writeBigInt64LE(BigInt(value));
      return buffer;
    },
    fromJSON: (json) => BigInt(json),
    toJSON: (value) => value.toString(),
    isValid: (value) => typeof value === 'bigint',
    compare: (a, b) => (a === b ? 0 : a < b ? -1 : 1),
  });
}

// Field name -> its Avro base type ('long', 'double', 'boolean', 'string',
// 'bytes'), from the session's schema: BigQuery's shape, a NULLABLE column
// being ["null", T] and a TIMESTAMP a long with a logical type.
function fieldTypes(schemaJson) {
  const types = new Map();
  for (const field of JSON.parse(schemaJson).fields) {
    let type = field.type;
    if (Array.isArray(type)) type = type.find((member) => member !== 'null');
    if (typeof type === 'object') type = type.type;
    types.set(field.name, type);
  }
  return types;
}

// A decoded value in the exact form of dataset/row_json.h.
function exactValue(type, value) {
  if (value === null) return null;
  switch (type) {
    case 'long':
      return value.toString();
    case 'double': {
      const buffer = Buffer.alloc(8);
      buffer.writeDoubleBE(value);
      return buffer.toString('hex');
    }
    case 'boolean':
      return value;
    case 'string':
      return value;
    case 'bytes':
      return value.toString('hex');
    default:
      throw new CheckFailure(`unexpected Avro type ${type} in the schema`);
  }
}

function readExpectedRows(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--expected_rows: ${error.message}`);
  }
  return text.split('\n').filter((line) => line !== '').map((line, index) => {
    const row = JSON.parse(line);
    if (row.row_id !== String(index)) {
      throw new UsageError(`--expected_rows: line ${index + 1} has row_id ` +
                           `${row.row_id}, not ${index}`);
    }
    return row;
  });
}

// Decodes and checks one response's rows; returns their row_ids in order.
function checkResponse(context, response, where) {
  if (!response.avroRows) {
    throw new CheckFailure(`${where}: a response without avro_rows`);
  }
  const buffer = response.avroRows.serializedBinaryRows;
  const rowCount = Number(response.rowCount);
  const ids = [];
  let offset = 0;
  while (offset < buffer.length) {
    let decoded;
    try {
      decoded = context.type.decode(buffer, offset);
    } catch (error) {
      throw new CheckFailure(`${where}: Avro decoding failed at byte ` +
                             `${offset} of ${buffer.length}: ${error.message}`);
    }
    if (decoded.offset < 0) {
      throw new CheckFailure(`${where}: a truncated row at byte ${offset} ` +
                             `of ${buffer.length}`);
    }
    offset = decoded.offset;
    const id = Number(decoded.value.row_id);
    const expected = context.expectedRows[id];
    if (expected === undefined) {
      throw new CheckFailure(`${where}: row_id ${decoded.value.row_id} is ` +
                             `not a row of the table`);
    }
    for (const [name, type] of context.fieldTypes) {
      const got = exactValue(type, decoded.value[name]);
      if (got !== expected[name]) {
        throw new CheckFailure(
            `${where}: row ${id} column ${name}: expected ` +
            `${JSON.stringify(expected[name])}, got ${JSON.stringify(got)}`);
      }
    }
    if (context.fieldTypes.size !== Object.keys(expected).length) {
      throw new CheckFailure(
          `${where}: the schema has ${context.fieldTypes.size} columns, ` +
          `the table ${Object.keys(expected).length}`);
    }
    ids.push(id);
  }
  if (ids.length !== rowCount) {
    throw new CheckFailure(`${where}: row_count says ${rowCount} rows, ` +
                           `${ids.length} decoded`);
  }
  return ids;
}

async function readAll(rows, where, context) {
  const ids = [];
  for await (const response of rows) {
    ids.push(...checkResponse(context, response, where));
  }
  return ids;
}

// Every row of the table exactly once over the streams' row_ids.
function checkExactlyOnce(idsByStream, rowCount, what) {
  const seen = new Uint8Array(rowCount);
  let total = 0;
  for (const ids of idsByStream) {
    for (const id of ids) {
      if (seen[id]) throw new CheckFailure(`${what}: row ${id} twice`);
      seen[id] = 1;
      ++total;
    }
  }
  if (total !== rowCount) {
    throw new CheckFailure(`${what}: ${total} rows of ${rowCount}`);
  }
}

function checkStreamCount(session, expected, what) {
  const streams = session.streams || [];
  if (streams.length !== expected) {
    throw new CheckFailure(
        `${what}: ${streams.length} streams, expected ${expected}`);
  }
  return streams;
}

function newContext(client, session, expectedRows, what) {
  if (session.dataFormat !== 'AVRO') {
    throw new CheckFailure(`${what}: data_format ${session.dataFormat}`);
  }
  const schema = session.avroSchema && session.avroSchema.schema;
  if (!schema) throw new CheckFailure(`${what}: no Avro schema`);
  let type;
  try {
    type = client.avro.Type.forSchema(
        JSON.parse(schema), {registry: {long: bigIntLongType(client.avro)}});
  } catch (error) {
    throw new CheckFailure(`${what}: avsc rejects the schema: ${error.message}`);
  }
  return {type, fieldTypes: fieldTypes(schema), expectedRows};
}

async function run(flags) {
  const client = loadClient(flags.modules);
  const expectedRows = readExpectedRows(flags.expectedRowsPath);
  const callOptions = {timeout: flags.timeoutMs};
  // A plaintext channel to the fake and no credentials at all: sslCreds
  // replaces the client's TLS and Google credentials, and a PassThroughClient
  // (google-auth-library's client for emulators) keeps google-auth-library
  // from looking for Application Default Credentials.
  const reader = new client.storage.reader.ReadClient({
    apiEndpoint: flags.host,
    port: flags.port,
    sslCreds: client.grpc.credentials.createInsecure(),
    authClient: new client.PassThroughClient(),
  });
  const parent = 'projects/forkcheck';
  try {
    // 1. The reader API, the server choosing the stream count.
    const session = await reader.createReadSession(
        {parent, table: flags.table, dataFormat: client.storage.reader.AvroFormat});
    const what = `${flags.table} (ReadClient session)`;
    const context = newContext(client, session, expectedRows, what);
    const streams = checkStreamCount(session, flags.expectedStreams, what);
    const idsByStream = await Promise.all(streams.map(async (stream) => {
      const readStream = await reader.createReadStream(
          {streamName: stream.name, session}, callOptions);
      try {
        return await readAll(
            readStream.getRowsStream(), `${what} ${stream.name}`, context);
      } finally {
        readStream.close();
      }
    }));
    checkExactlyOnce(idsByStream, expectedRows.length, what);

    // 2. The generated client, with max_stream_count.
    const gapic = reader.getClient();
    const [limited] = await gapic.createReadSession({
      parent,
      readSession: {table: flags.table, dataFormat: 'AVRO'},
      maxStreamCount: flags.maxStreams,
    }, callOptions);
    const limitedWhat =
        `${flags.table} (BigQueryReadClient, max_stream_count ${flags.maxStreams})`;
    const limitedContext = newContext(client, limited, expectedRows, limitedWhat);
    const limitedStreams = checkStreamCount(
        limited, Math.min(flags.maxStreams, flags.expectedStreams), limitedWhat);
    const limitedIds = await Promise.all(limitedStreams.map(
        (stream) => readAll(
            gapic.readRows({readStream: stream.name, offset: 0}, callOptions),
            `${limitedWhat} ${stream.name}`, limitedContext)));
    checkExactlyOnce(limitedIds, expectedRows.length, limitedWhat);

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
          gapic.readRows({readStream: stream, offset: whole.length}, callOptions),
          `${stream} from offset ${whole.length}`, limitedContext);
      if (fromEnd.length !== 0) {
        throw new CheckFailure(`${stream} from its length ${whole.length}: ` +
                               `${fromEnd.length} rows, expected none`);
      }
      offsetNote = `offsets ${middle} and ${whole.length} of a ` +
          `${whole.length}-row stream`;
    }
    console.log(`${NAME}: ${flags.table}: ${expectedRows.length} rows ` +
                `checked value by value, over ${streams.length} streams ` +
                `(server's choice) and ${limitedStreams.length} ` +
                `(max_stream_count ${flags.maxStreams}); ${offsetNote}; ` +
                `client ${client.version}, node ${process.version}`);
  } finally {
    reader.close();
  }
}

function main() {
  let flags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (error) {
    console.error(`${NAME}: ${error.message}`);
    process.exit(2);
  }
  // Every call has its deadline; this bounds the whole run besides.
  const watchdog = setTimeout(() => {
    console.error(`${NAME}: FAIL: not done within ${2 * flags.timeoutMs} ms`);
    process.exit(1);
  }, 2 * flags.timeoutMs);
  run(flags).then(() => {
    clearTimeout(watchdog);
    process.exitCode = 0;
  }, (error) => {
    clearTimeout(watchdog);
    const status = error instanceof UsageError ? 2 : 1;
    // A gRPC error's message has its code and status message; a stack only
    // helps for anything else (a bug here or in the client).
    let detail = error.message;
    if (!(error instanceof CheckFailure || error instanceof UsageError)) {
      detail = typeof error.code === 'number'
          ? `a call failed: ${error.message}`
          : `unexpected error: ${error.stack || error}`;
    }
    console.error(`${NAME}: ${status === 2 ? '' : 'FAIL: '}${detail}`);
    process.exit(status);
  });
}

main();
