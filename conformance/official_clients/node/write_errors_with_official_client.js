// What Google's own system tests of the Node client observe of the real
// Write API's errors, checked against the fake through the same client
// (googleapis/nodejs-bigquery-storage, system-test/managed_writer_client_test.ts,
// "Error Scenarios"; README.md, "What was tried"). On a new PENDING stream
// of --table:
//
//   empty      an append with no rows is refused in-band, its message
//              beginning "Rows must be specified";
//   invalid    rows that leave the table's REQUIRED columns unset are refused
//              in-band with row errors, the message beginning "Errors found
//              while processing rows", and nothing is appended;
//   extra      a writer schema with a field the table lacks ends the
//              connection, and the client's parseStorageErrors finds one
//              StorageError, SCHEMA_MISMATCH_EXTRA_FIELDS, whose
//              error_message is "Schema mismatch due to extra fields in
//              user schema" (the client reads it from the trailer
//              google.cloud.bigquery.storage.v1.storageerror-bin).
//
//   node write_errors_with_official_client.js --modules=DIR \
//       --target=HOST:PORT --table=projects/P/datasets/writable/tables/T \
//       [--timeout_ms=60000]
//
// Exit status: 0 when every check passes; 1 when one fails (the message
// names it); 2 for bad flags or a client that cannot load.
'use strict';

const path = require('path');
const {createRequire} = require('module');
const {UsageError, loadClient, fakeEndpointOptions, parseFlagValues,
       scriptMain} = require('./official_client');
const {CheckFailure} = require('./exact_rows');

const NAME = 'write_errors_with_official_client';
const INVALID_ARGUMENT = 3;

function parseFlags(argv) {
  const {values, target, timeoutMs} = parseFlagValues(argv, {}, []);
  return {modules: values.modules, target, table: values.table, timeoutMs};
}

// An in-band error (the append resolves with `error` set) of gRPC code
// `code` whose message's first sentence is `firstSentence`.
function expectInBand(result, code, firstSentence, what) {
  const error = result.error;
  if (!error || error.code !== code ||
      String(error.message).split('.')[0] !== firstSentence) {
    throw new CheckFailure(
        `${what}: expected an in-band error, code ${code}, "` +
        `${firstSentence}...", got ` +
        `${error ? `code ${error.code}: ${error.message}` : 'no error'}`);
  }
}

async function run(flags) {
  const client = loadClient(flags.modules);
  const requireInstalled =
      createRequire(path.join(path.resolve(flags.modules), 'package.json'));
  const protobuf = requireInstalled('protobufjs');
  requireInstalled('protobufjs/ext/descriptor');  // adds Type.fromDescriptor
  const {WriterClient, Writer, JSONWriter, parseStorageErrors} =
      client.storage.managedwriter;
  const {StorageErrorCode} =
      client.storage.protos.google.cloud.bigquery.storage.v1.StorageError;
  const callOptions = {timeout: flags.timeoutMs};
  const writerClient =
      new WriterClient(fakeEndpointOptions(client, flags.target));
  try {
    const streamId = await writerClient.createWriteStream(
        {streamType: 'PENDING', destinationTable: flags.table}, callOptions);
    const stream = await writerClient.getWriteStream(
        {streamId, view: 'FULL'}, callOptions);
    const fields = (stream.tableSchema && stream.tableSchema.fields) || [];
    if (!fields.slice(1).some((field) => String(field.mode) === 'REQUIRED')) {
      throw new UsageError(`--table: ${flags.table} needs two columns or ` +
                           `more, one REQUIRED beyond the first`);
    }
    const descriptor = client.storage.adapt
        .convertStorageSchemaToProto2Descriptor(stream.tableSchema, 'root');

    // empty and invalid: one connection, errors in-band.
    let connection = await writerClient.createStreamConnection(
        {streamId}, callOptions);
    const writer = new Writer({connection, protoDescriptor: descriptor});
    const empty = await writer.appendRows({serializedRows: []}, 0).getResult();
    expectInBand(empty, INVALID_ARGUMENT, 'Rows must be specified',
                 'an append with no rows');
    // Rows of a message with the first column only: the table's other
    // REQUIRED columns are unset. The writer schema sent is the full one.
    const firstOnly = protobuf.Type.fromDescriptor(
        client.storage.protos.google.protobuf.DescriptorProto.fromObject(
            {...descriptor, field: descriptor.field.slice(0, 1)}));
    const partialRow = firstOnly.encode(firstOnly.fromObject(
        {[descriptor.field[0].name]: 1})).finish();
    const invalid = await writer.appendRows(
        {serializedRows: [partialRow, partialRow]}, 0).getResult();
    expectInBand(invalid, INVALID_ARGUMENT,
                 'Errors found while processing rows',
                 'rows with REQUIRED columns unset');
    if (!invalid.rowErrors || invalid.rowErrors.length !== 2) {
      throw new CheckFailure(`rows with REQUIRED columns unset: ` +
                             `${JSON.stringify(invalid.rowErrors)} as row ` +
                             `errors, expected one for each of the 2 rows`);
    }
    writer.close();

    // extra: the connection ends; the StorageError rides in its trailer.
    connection = await writerClient.createStreamConnection(
        {streamId}, callOptions);
    let connectionError = null;
    connection.onConnectionError((error) => {
      connectionError = error;
    });
    const {Type, Label} = client.storage.protos.google.protobuf
        .FieldDescriptorProto;
    const withExtra = {
      ...descriptor,
      field: [...descriptor.field, {
        name: 'forkcheck_not_a_column',
        number: descriptor.field.length + 100,
        type: Type.TYPE_STRING,
        label: Label.LABEL_OPTIONAL,
      }],
    };
    const extraWriter = new JSONWriter({connection, protoDescriptor: withExtra});
    let rejected = null;
    try {
      await extraWriter.appendRows([{forkcheck_not_a_column: 'x'}], 0)
          .getResult();
    } catch (error) {
      rejected = error;
    }
    extraWriter.close();
    if (!rejected || !connectionError ||
        connectionError.code !== INVALID_ARGUMENT) {
      throw new CheckFailure(
          `a writer schema with an extra field: expected the connection to ` +
          `end with code ${INVALID_ARGUMENT}, got ` +
          `${connectionError ? `code ${connectionError.code}` : 'no error'}` +
          ` (the append ${rejected ? 'rejected' : 'not rejected'})`);
    }
    const storageErrors = parseStorageErrors(connectionError);
    const expected = 'Schema mismatch due to extra fields in user schema';
    if (storageErrors.length !== 1 ||
        storageErrors[0].code !==
            StorageErrorCode.SCHEMA_MISMATCH_EXTRA_FIELDS ||
        storageErrors[0].errorMessage !== expected) {
      throw new CheckFailure(
          `a writer schema with an extra field: parseStorageErrors found ` +
          `${JSON.stringify(storageErrors)}, expected one ` +
          `SCHEMA_MISMATCH_EXTRA_FIELDS error "${expected}" (status: ` +
          `${connectionError.message})`);
    }
    console.log(`${NAME}: ${flags.table}: an empty append, rows with ` +
                `REQUIRED columns unset and a schema with an extra field ` +
                `are refused as the real service does; client ` +
                `${client.version}, node ${process.version}`);
  } finally {
    writerClient.close();
  }
}

function main() {
  scriptMain(NAME, parseFlags, run,
             (error) => error instanceof CheckFailure);
}

main();
