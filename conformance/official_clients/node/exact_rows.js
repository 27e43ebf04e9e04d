// Rows in the exact JSON form of dataset/row_json.h (what //dataset:print_rows
// prints), and the checks of what the official client reads against them:
// Avro decoding with avsc, value by value, every row exactly once. Shared by
// the reader and the writer.
'use strict';

const fs = require('fs');
const {UsageError} = require('./official_client');

// A check of what the fake served failed: exit status 1.
class CheckFailure extends Error {}

// The rows of a print_rows file, by row_id (a decimal string).
function readExactRows(file, flag) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--${flag}: ${error.message}`);
  }
  const rows = new Map();
  text.split('\n').forEach((line, index) => {
    if (line === '') return;
    const row = JSON.parse(line);
    if (typeof row.row_id !== 'string' || rows.has(row.row_id)) {
      throw new UsageError(`--${flag}: line ${index + 1}: a missing or ` +
                           `repeated row_id`);
    }
    rows.set(row.row_id, row);
  });
  return rows;
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
// 'bytes'), from a schema in BigQuery's shape: a NULLABLE column is
// ["null", T], a TIMESTAMP a long with a logical type.
function fieldTypes(schema) {
  const types = new Map();
  for (const field of schema.fields) {
    let type = field.type;
    if (Array.isArray(type)) type = type.find((member) => member !== 'null');
    if (typeof type === 'object') type = type.type;
    types.set(field.name, type);
  }
  return types;
}

// A decoded Avro value in the exact form of dataset/row_json.h.
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
    case 'string':
      return value;
    case 'bytes':
      return value.toString('hex');
    default:
      throw new CheckFailure(`unexpected Avro type ${type} in the schema`);
  }
}

// What decoding a read session's rows needs: avsc's type for its schema, the
// field types, and the rows expected (by row_id).
function sessionContext(avro, session, expectedRows, what) {
  if (session.dataFormat !== 'AVRO') {
    throw new CheckFailure(`${what}: data_format ${session.dataFormat}`);
  }
  const schemaJson = session.avroSchema && session.avroSchema.schema;
  if (!schemaJson) throw new CheckFailure(`${what}: no Avro schema`);
  let type;
  let schema;
  try {
    schema = JSON.parse(schemaJson);
    type = avro.Type.forSchema(schema,
                               {registry: {long: bigIntLongType(avro)}});
  } catch (error) {
    throw new CheckFailure(`${what}: avsc rejects the schema: ${error.message}`);
  }
  return {type, fieldTypes: fieldTypes(schema), expectedRows};
}

// Decodes and checks one ReadRowsResponse; returns its row_ids in order.
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
    const id = decoded.value.row_id.toString();
    const expected = context.expectedRows.get(id);
    if (expected === undefined) {
      throw new CheckFailure(`${where}: row_id ${id} is not a row expected ` +
                             `in the table`);
    }
    if (context.fieldTypes.size !== Object.keys(expected).length) {
      throw new CheckFailure(
          `${where}: the schema has ${context.fieldTypes.size} columns, ` +
          `the expected rows ${Object.keys(expected).length}`);
    }
    for (const [name, type] of context.fieldTypes) {
      const got = exactValue(type, decoded.value[name]);
      if (got !== expected[name]) {
        throw new CheckFailure(
            `${where}: row ${id} column ${name}: expected ` +
            `${JSON.stringify(expected[name])}, got ${JSON.stringify(got)}`);
      }
    }
    ids.push(id);
  }
  if (ids.length !== rowCount) {
    throw new CheckFailure(`${where}: row_count says ${rowCount} rows, ` +
                           `${ids.length} decoded`);
  }
  return ids;
}

// Reads a stream of ReadRowsResponses to its end, checking each.
async function readAll(responses, where, context) {
  const ids = [];
  for await (const response of responses) {
    ids.push(...checkResponse(context, response, where));
  }
  return ids;
}

// Every expected row exactly once over the streams' row_ids (checkResponse
// has already refused any other).
function checkExactlyOnce(idsByStream, expectedRows, what) {
  const seen = new Set();
  for (const ids of idsByStream) {
    for (const id of ids) {
      if (seen.has(id)) throw new CheckFailure(`${what}: row ${id} twice`);
      seen.add(id);
    }
  }
  if (seen.size !== expectedRows.size) {
    const missing = [...expectedRows.keys()].filter((id) => !seen.has(id));
    throw new CheckFailure(`${what}: ${seen.size} rows of ` +
                           `${expectedRows.size}; missing row_ids ` +
                           `${missing.slice(0, 5).join(', ')}` +
                           `${missing.length > 5 ? ', ...' : ''}`);
  }
}

// Reads the whole of `table` through the client's reader API (`reader`, a
// ReadClient; the server chooses the stream count), every stream at once,
// and checks that it holds exactly `expectedRows`, value by value. Returns
// the session and each stream's row_ids, in order.
async function readWholeTable(avro, reader, table, expectedRows, callOptions,
                              what) {
  const session = await reader.createReadSession(
      {parent: 'projects/forkcheck', table, dataFormat: 'AVRO'});
  const context = sessionContext(avro, session, expectedRows, what);
  const idsByStream = await Promise.all((session.streams || []).map(
      async (stream) => {
        const readStream = await reader.createReadStream(
            {streamName: stream.name, session}, callOptions);
        try {
          return await readAll(
              readStream.getRowsStream(), `${what} ${stream.name}`, context);
        } finally {
          readStream.close();
        }
      }));
  checkExactlyOnce(idsByStream, expectedRows, what);
  return {session, idsByStream};
}

module.exports = {
  CheckFailure,
  readExactRows,
  sessionContext,
  readAll,
  checkExactlyOnce,
  readWholeTable,
};
