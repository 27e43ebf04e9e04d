// What the writer would send, checked without a Write service: the rows of
// --rows, converted by write_with_official_client.js for the table's schema
// and encoded by the client's own JSONWriter, decode from the AppendRows
// request (with the writer schema that request carries) to exactly the
// values print_rows defines. This tests the writer's row conversion and
// schema on their own, without the fake's Write service (whose storing and
// serving the rows write_with_official_client.js checks: README.md,
// "Writing").
//
//   node writer_encoding_check.js --modules=DIR --target=HOST:PORT \
//       --table=projects/forkcheck/datasets/synthetic/tables/all_types \
//       --rows=FILE [--timeout_ms=60000]
//
// The table's schema comes from a read session's Avro schema (so the check
// needs only the Read API), mapped to the storage TableSchema the writer gets
// from GetWriteStream. The request is captured by a stand-in for
// the client's StreamConnection (the four methods JSONWriter calls), so no
// AppendRows call is made. Exit status: 0, 1 for a failed check, 2 for
// usage.
'use strict';

const path = require('path');
const {createRequire} = require('module');
const {loadClient, fakeEndpointOptions, parseFlagValues,
       scriptMain} = require('./official_client');
const {CheckFailure, readExactRows} = require('./exact_rows');
const {columnTypes, writerRow} = require('./write_with_official_client');

const NAME = 'writer_encoding_check';

function parseFlags(argv) {
  const {values, target, timeoutMs} = parseFlagValues(argv, {
    rows: {type: 'string'},
  }, ['rows']);
  return {
    modules: values.modules,
    target,
    table: values.table,
    rowsPath: values.rows,
    timeoutMs,
  };
}

// BigQuery's Avro shape back to a storage TableSchema: ["null", T] is
// NULLABLE, a long with logicalType timestamp-micros a TIMESTAMP.
function storageSchema(avroSchema) {
  const typeNames = {long: 'INT64', double: 'DOUBLE', boolean: 'BOOL',
                     string: 'STRING', bytes: 'BYTES'};
  return {
    fields: avroSchema.fields.map((field) => {
      let type = field.type;
      const nullable = Array.isArray(type);
      if (nullable) type = type.find((member) => member !== 'null');
      let name = typeNames[typeof type === 'object' ? type.type : type];
      if (typeof type === 'object' && type.logicalType === 'timestamp-micros') {
        name = 'TIMESTAMP';
      }
      if (!name) {
        throw new CheckFailure(`column ${field.name}: Avro type ` +
                               `${JSON.stringify(type)} has no BigQuery type`);
      }
      return {name: field.name, type: name,
              mode: nullable ? 'NULLABLE' : 'REQUIRED'};
    }),
  };
}

// A decoded protobuf value in the exact form of dataset/row_json.h.
function exactFromProto(type, value) {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'INT64':
    case 'TIMESTAMP':
      return String(value);
    case 'DOUBLE': {
      const buffer = Buffer.alloc(8);
      buffer.writeDoubleBE(value);
      return buffer.toString('hex');
    }
    case 'BYTES':
      return Buffer.from(value).toString('hex');
    default:
      return value;
  }
}

async function run(flags) {
  const client = loadClient(flags.modules);
  const rows = readExactRows(flags.rowsPath, 'rows');
  const requireInstalled =
      createRequire(path.join(path.resolve(flags.modules), 'package.json'));
  const protobuf = requireInstalled('protobufjs');
  requireInstalled('protobufjs/ext/descriptor');  // adds Type.fromDescriptor

  const reader = new client.storage.reader.ReadClient(
      fakeEndpointOptions(client, flags.target));
  let schema;
  try {
    const session = await reader.createReadSession({
      parent: 'projects/forkcheck',
      table: flags.table,
      dataFormat: 'AVRO',
    });
    schema = storageSchema(JSON.parse(session.avroSchema.schema));
  } finally {
    reader.close();
  }
  const types = columnTypes(schema);
  const protoDescriptor = client.storage.adapt
      .convertStorageSchemaToProto2Descriptor(schema, 'root');

  const requests = [];
  const connection = {
    getStreamId: () => `${flags.table}/streams/_default`,
    onSchemaUpdated: () => ({off: () => {}}),
    reconnect: () => {},
    close: () => {},
    write: (request) => {
      requests.push(request);
      return null;
    },
  };
  const {JSONWriter} = client.storage.managedwriter;
  const jsonWriter = new JSONWriter({connection, protoDescriptor});
  jsonWriter.appendRows([...rows.values()].map((row) => writerRow(row, types)),
                        7);
  if (requests.length !== 1) {
    throw new CheckFailure(`${requests.length} AppendRows requests for one ` +
                           `appendRows call`);
  }
  const request = requests[0];
  if (!request.offset || Number(request.offset.value) !== 7) {
    throw new CheckFailure(`the request's offset is ` +
                           `${JSON.stringify(request.offset)}, not 7`);
  }
  const sent = request.protoRows;
  const descriptorJson = sent.writerSchema && sent.writerSchema.protoDescriptor;
  if (!descriptorJson) throw new CheckFailure('the request has no writer schema');
  const messageType = protobuf.Type.fromDescriptor(
      client.storage.protos.google.protobuf.DescriptorProto.fromObject(
          descriptorJson));
  const serialized = sent.rows.serializedRows;
  if (serialized.length !== rows.size) {
    throw new CheckFailure(`${serialized.length} serialized rows for ` +
                           `${rows.size} rows`);
  }
  let index = 0;
  for (const expected of rows.values()) {
    const decoded = messageType.toObject(
        messageType.decode(serialized[index]), {longs: String});
    for (const [name, value] of Object.entries(expected)) {
      const got = exactFromProto(types.get(name), decoded[name]);
      if (got !== value) {
        throw new CheckFailure(
            `row ${expected.row_id} column ${name}: the writer sends ` +
            `${JSON.stringify(got)}, expected ${JSON.stringify(value)}`);
      }
    }
    ++index;
  }
  console.log(`${NAME}: ${flags.table}: ${rows.size} rows converted and ` +
              `encoded by JSONWriter decode to the exact values ` +
              `(${schema.fields.length} columns); client ${client.version}`);
}

function main() {
  scriptMain(NAME, parseFlags, run,
             (error) => error instanceof CheckFailure);
}

main();
