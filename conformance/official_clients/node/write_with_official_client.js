// Writes rows to a table of the fake BigQuery Storage server through Google's
// official Node client's managedwriter (WriterClient, JSONWriter), then
// reads the table back through its reader and checks, value by value, that
// it holds exactly the rows it held before plus those written. See
// README.md ("Writing"); official_node_client_test.sh runs it for each mode.
//
//   node write_with_official_client.js --modules=DIR --target=HOST:PORT \
//       --table=projects/P/datasets/writable/tables/all_types \
//       --mode=default|committed|pending|buffered \
//       --table_rows=BEFORE.jsonl --rows=NEW.jsonl \
//       [--batch_rows=100] [--timeout_ms=60000]
//
// --table_rows: what the table holds before (a writable table starts empty,
// so an empty file, or the rows of earlier writes); --rows: the rows to
// append, with row_ids the table does not hold (print_rows of the catalogue
// table the writable one copies, e.g.
// --table=projects/forkcheck/datasets/synthetic/tables/all_types). Both in
// the exact JSON of dataset/row_json.h.
//
// By --mode:
//   default    appends to the table's _default stream, with no offsets; the
//              rows are visible once acknowledged.
//   committed  CreateWriteStream(COMMITTED); appends at offsets 0, b, 2b...,
//              each acknowledged at its offset; a resent append at offset 0
//              gets ALREADY_EXISTS; the rows are visible once acknowledged;
//              FinalizeWriteStream counts them.
//   pending    CreateWriteStream(PENDING); appends at offsets as above; the
//              table must not show the rows until FinalizeWriteStream and
//              BatchCommitWriteStreams (it is read before the finalize and
//              between the two), then it must show all of them.
//   buffered   CreateWriteStream(BUFFERED); appends at offsets as above; the
//              table must not show the rows until FlushRows; flushed to the
//              first batch's last row, it shows that batch (the offset is
//              inclusive), then flushed to the last row, all of them.
// With offsets (every mode but default), an append past the stream's end
// gets OUT_OF_RANGE and, after FinalizeWriteStream, any append an error.
// The writer schema is the table's, from GetWriteStream (view FULL),
// converted by the client's adapt.convertStorageSchemaToProto2Descriptor.
// Exit status: 0 when every check passes; 1 when a check or a call fails
// (the message names which); 2 for bad flags or a client that cannot load.
'use strict';

const {UsageError, loadClient, fakeEndpointOptions, parseFlagValues,
       scriptMain} = require('./official_client');
const {CheckFailure, readExactRows, readWholeTable} = require('./exact_rows');

const NAME = 'write_with_official_client';
const MODES = ['default', 'committed', 'pending', 'buffered'];
// gRPC's codes of an append below and above the stream's next offset.
const ALREADY_EXISTS = 6;
const OUT_OF_RANGE = 11;

function parseFlags(argv) {
  const {values, integer, target, timeoutMs} = parseFlagValues(argv, {
    mode: {type: 'string'},
    table_rows: {type: 'string'},
    rows: {type: 'string'},
    batch_rows: {type: 'string', default: '100'},
  }, ['mode', 'table_rows', 'rows']);
  if (!MODES.includes(values.mode)) {
    throw new UsageError(`--mode="${values.mode}" is not one of ` +
                         `${MODES.join(', ')}`);
  }
  return {
    modules: values.modules,
    target,
    table: values.table,
    mode: values.mode,
    tableRowsPath: values.table_rows,
    rowsPath: values.rows,
    batchRows: integer('batch_rows'),
    timeoutMs,
  };
}

// Column name -> BigQuery type ('INT64', 'STRING', ...), from a storage
// TableSchema (gax gives enums as their names).
function columnTypes(tableSchema) {
  const types = new Map();
  for (const field of tableSchema.fields || []) {
    types.set(field.name, String(field.type));
  }
  return types;
}

// An exact-JSON row as JSONWriter takes it. INT64 and TIMESTAMP stay decimal
// strings (protobufjs writes int64 fields from them without rounding).
function writerRow(exactRow, types) {
  const row = {};
  for (const [name, value] of Object.entries(exactRow)) {
    const type = types.get(name);
    if (type === undefined) {
      throw new UsageError(`--rows: column ${name} is not in the table's ` +
                           `schema`);
    }
    if (value === null) {
      row[name] = null;
      continue;
    }
    switch (type) {
      case 'INT64':
      case 'TIMESTAMP':
      case 'STRING':
      case 'BOOL':
        row[name] = value;
        break;
      case 'DOUBLE':
        row[name] = Buffer.from(value, 'hex').readDoubleBE();
        break;
      case 'BYTES':
        row[name] = Buffer.from(value, 'hex');
        break;
      default:
        throw new CheckFailure(`column ${name}: type ${type} is not one ` +
                               `the dataset writes`);
    }
  }
  return row;
}

// Appends every row in batches, all in flight at once (the managedwriter
// pipelines them on one AppendRows stream), and checks each
// acknowledgement: no error, no row errors, and with offsets the offset
// asked for.
async function appendAll(jsonWriter, batches, withOffsets, what) {
  let offset = 0;
  const pending = batches.map((batch) => {
    const at = offset;
    offset += batch.length;
    return {at, write: jsonWriter.appendRows(batch, withOffsets ? at : undefined)};
  });
  for (const {at, write} of pending) {
    const result = await write.getResult();
    if (result.error) {
      throw new CheckFailure(`${what}: the append at row ${at} failed: ` +
                             `code ${result.error.code}: ${result.error.message}`);
    }
    if (result.rowErrors && result.rowErrors.length > 0) {
      throw new CheckFailure(`${what}: the append at row ${at} has row ` +
                             `errors: ${JSON.stringify(result.rowErrors)}`);
    }
    if (withOffsets) {
      const acknowledged = result.appendResult && result.appendResult.offset &&
          Number(result.appendResult.offset.value);
      if (acknowledged !== at) {
        throw new CheckFailure(`${what}: the append at offset ${at} was ` +
                               `acknowledged at ${acknowledged}`);
      }
    }
  }
  return offset;
}

// An append that must fail with gRPC code `code` (any error when
// undefined), in-band: the managedwriter resolves it with `error` set.
async function expectAppendError(jsonWriter, batch, offset, code, what) {
  const result = await jsonWriter.appendRows(batch, offset).getResult();
  const got = result.error ? `code ${result.error.code}: ` +
      `${result.error.message}` : 'no error';
  if (!result.error || (code !== undefined && result.error.code !== code)) {
    throw new CheckFailure(`${what}: got ${got}, expected ` +
                           `${code === undefined ? 'an error' : `code ${code}`}`);
  }
  return got;
}

// FlushRows through the connection (the client's API) up to `offset`,
// inclusive; the response must name that offset.
async function flushTo(connection, offset, what) {
  const flushed = await connection.flushRows({offset});
  if (!flushed || Number(flushed.offset) !== offset) {
    throw new CheckFailure(`${what}: FlushRows to ${offset} answered ` +
                           `${JSON.stringify(flushed)}`);
  }
}

// `base` plus the first `count` rows of `written`, in a new map.
function withFirstRows(base, written, count) {
  const rows = new Map(base);
  for (const [id, row] of [...written].slice(0, count)) rows.set(id, row);
  return rows;
}

async function run(flags) {
  const client = loadClient(flags.modules);
  const before = readExactRows(flags.tableRowsPath, 'table_rows');
  const written = readExactRows(flags.rowsPath, 'rows');
  for (const id of written.keys()) {
    if (before.has(id)) {
      throw new UsageError(`--rows: row_id ${id} is already in --table_rows`);
    }
  }
  const after = withFirstRows(before, written, written.size);
  const callOptions = {timeout: flags.timeoutMs};
  const options = fakeEndpointOptions(client, flags.target);
  const {WriterClient, JSONWriter} = client.storage.managedwriter;
  const writerClient = new WriterClient(options);
  const reader = new client.storage.reader.ReadClient(options);
  const what = `${flags.table} (${flags.mode})`;
  const readBack = (expected, when) => readWholeTable(
      client.avro, reader, flags.table, expected, callOptions,
      `${what}, ${when}`);
  try {
    let streamId = `${flags.table}/streams/_default`;
    if (flags.mode !== 'default') {
      streamId = await writerClient.createWriteStream({
        streamType: flags.mode.toUpperCase(),
        destinationTable: flags.table,
      }, callOptions);
      if (!streamId.startsWith(`${flags.table}/streams/`)) {
        throw new CheckFailure(`${what}: CreateWriteStream named ` +
                               `"${streamId}", not a stream of the table`);
      }
    }
    const stream = await writerClient.getWriteStream(
        {streamId, view: 'FULL'}, callOptions);
    if (!stream.tableSchema || !(stream.tableSchema.fields || []).length) {
      throw new CheckFailure(`${what}: GetWriteStream(view FULL) of ` +
                             `${streamId} has no table schema`);
    }
    const protoDescriptor = client.storage.adapt
        .convertStorageSchemaToProto2Descriptor(stream.tableSchema, 'root');
    const types = columnTypes(stream.tableSchema);
    const rows = [...written.values()].map((row) => writerRow(row, types));
    const batches = [];
    for (let i = 0; i < rows.length; i += flags.batchRows) {
      batches.push(rows.slice(i, i + flags.batchRows));
    }

    const connection = await writerClient.createStreamConnection(
        {streamId}, callOptions);
    const jsonWriter = new JSONWriter({connection, protoDescriptor});
    const withOffsets = flags.mode !== 'default';
    const appended = await appendAll(jsonWriter, batches, withOffsets, what);

    if (withOffsets && batches.length > 0) {
      await expectAppendError(jsonWriter, batches[0], 0, ALREADY_EXISTS,
                              `${what}: an append resent at offset 0`);
      await expectAppendError(jsonWriter, batches[0], appended + 1,
                              OUT_OF_RANGE,
                              `${what}: an append at offset ${appended + 1}`);
    }
    if (flags.mode === 'pending' || flags.mode === 'buffered') {
      await readBack(before, 'before the rows are committed or flushed');
    }
    if (flags.mode === 'buffered' && batches.length > 0) {
      // The client's flushRows drops an offset of 0 (it tests the offset's
      // truth), so the partial flush needs a first batch of 2 rows or more.
      const partial = batches[0].length - 1;
      if (partial < 1) {
        throw new UsageError('--mode=buffered needs --batch_rows >= 2');
      }
      await flushTo(connection, partial, what);
      await readBack(withFirstRows(before, written, partial + 1),
                     `flushed to offset ${partial}`);
      await flushTo(connection, appended - 1, what);
    }
    if (withOffsets) {
      const finalized = await connection.finalize();
      if (!finalized || Number(finalized.rowCount) !== appended) {
        throw new CheckFailure(
            `${what}: FinalizeWriteStream counted ` +
            `${finalized && finalized.rowCount} rows, ${appended} appended`);
      }
      if (batches.length > 0) {
        // finalize() closed the connection: this append opens a new one.
        await expectAppendError(jsonWriter, batches[0], appended, undefined,
                                `${what}: an append after the finalize`);
      }
    }
    jsonWriter.close();
    if (flags.mode === 'pending') {
      await readBack(before, 'finalized, not yet committed');
      const committed = await writerClient.batchCommitWriteStream(
          {parent: flags.table, writeStreams: [streamId]});
      if ((committed.streamErrors || []).length > 0 || !committed.commitTime) {
        throw new CheckFailure(
            `${what}: BatchCommitWriteStreams failed: ` +
            `${JSON.stringify(committed.streamErrors)}`);
      }
    }
    await readBack(after, 'read back');
    console.log(`${NAME}: ${what}: ${appended} rows appended in ` +
                `${batches.length} requests and read back with the ` +
                `${before.size} the table held; client ${client.version}, ` +
                `node ${process.version}`);
  } finally {
    writerClient.close();
    reader.close();
  }
}

function main() {
  scriptMain(NAME, parseFlags, run,
             (error) => error instanceof CheckFailure, 4);
}

// Run as a program; writer_encoding_check.js loads the row conversion.
if (require.main === module) main();

module.exports = {columnTypes, writerRow};
