// Loading the pinned official client from its install directory, and the
// options that point it at the fake: shared by the reader and the writer.
'use strict';

const path = require('path');
const {createRequire} = require('module');
const {parseArgs} = require('util');

// Bad flags, or a client that cannot load: exit status 2.
class UsageError extends Error {}

// The client's modules, from the directory install_client.sh prints.
// google-gax must be the very copy the client uses, or the credentials made
// here would not be recognised by its gRPC.
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

// "HOST:PORT" -> {host, port}; a UsageError naming the flag otherwise.
function parseTarget(target) {
  const match = /^(.+):(\d{1,5})$/.exec(target || '');
  if (!match || Number(match[2]) > 65535) {
    throw new UsageError(`--target="${target}" is not HOST:PORT`);
  }
  return {host: match[1], port: Number(match[2])};
}

// Client options for a plaintext channel to the fake and no credentials at
// all: sslCreds replaces the client's TLS and Google credentials, and a
// PassThroughClient (google-auth-library's client for emulators) keeps
// google-auth-library from looking for Application Default Credentials.
function fakeEndpointOptions(client, {host, port}) {
  return {
    apiEndpoint: host,
    port,
    sslCreds: client.grpc.credentials.createInsecure(),
    authClient: new client.PassThroughClient(),
  };
}

// Runs `run` (an async function) under a watchdog of `watchdogMs`, and exits
// with 0, 1 (a failed check or call: the message names it) or 2 (usage).
function runMain(name, watchdogMs, run, isCheckFailure) {
  const watchdog = setTimeout(() => {
    console.error(`${name}: FAIL: not done within ${watchdogMs} ms`);
    process.exit(1);
  }, watchdogMs);
  run().then(() => {
    clearTimeout(watchdog);
    process.exitCode = 0;
  }, (error) => {
    clearTimeout(watchdog);
    if (error instanceof UsageError) {
      console.error(`${name}: ${error.message}`);
      process.exit(2);
    }
    // A gRPC error's message has its code and status message; a stack only
    // helps for anything else (a bug here or in the client).
    let detail = error.message;
    if (!isCheckFailure(error)) {
      detail = typeof error.code === 'number'
          ? `a call failed: ${error.message}`
          : `unexpected error: ${error.stack || error}`;
    }
    console.error(`${name}: FAIL: ${detail}`);
    process.exit(1);
  });
}

// The flags every script takes, besides its own.
const COMMON_OPTIONS = {
  modules: {type: 'string'},
  target: {type: 'string'},
  table: {type: 'string'},
  timeout_ms: {type: 'string', default: '60000'},
};

// `argv` as --name=value strings: the common flags and `own`, with
// --modules, --target, --table and those named in `required` present.
// Returns the values, the parsed target, --timeout_ms as a number, and
// integer(name, min), which reads a flag as an integer >= min. Every
// problem is a UsageError naming the flag.
function parseFlagValues(argv, own, required) {
  let values;
  try {
    ({values} = parseArgs({
      args: argv,
      options: {...COMMON_OPTIONS, ...own},
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(error.message);
  }
  for (const name of ['modules', 'target', 'table', ...required]) {
    if (!values[name]) throw new UsageError(`--${name} is required`);
  }
  const integer = (name, min = 1) => {
    const text = values[name];
    if (!/^\d+$/.test(text) || Number(text) < min) {
      throw new UsageError(`--${name}="${text}" is not an integer >= ${min}`);
    }
    return Number(text);
  };
  return {
    values,
    integer,
    target: parseTarget(values.target),
    timeoutMs: integer('timeout_ms'),
  };
}

// A script's entry point: its flags from the command line (a UsageError
// exits 2 naming it), then `run(flags)` under runMain, with a watchdog of
// `watchdogFactor` times --timeout_ms (every call has its own deadline; the
// watchdog bounds the whole run besides).
function scriptMain(name, parseFlags, run, isCheckFailure,
                    watchdogFactor = 2) {
  let flags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (error) {
    console.error(`${name}: ${error.message}`);
    process.exit(2);
  }
  runMain(name, watchdogFactor * flags.timeoutMs, () => run(flags),
          isCheckFailure);
}

module.exports = {UsageError, loadClient, parseTarget, fakeEndpointOptions,
                  runMain, parseFlagValues, scriptMain};
