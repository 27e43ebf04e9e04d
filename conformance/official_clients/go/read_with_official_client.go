// Command read_with_official_client reads one table from a BigQuery Storage
// Read endpoint with Google's official Go client, unmodified
// (cloud.google.com/go/bigquery/storage/apiv1, as Debian packages it), and
// checks what arrives with an independent Avro decoder (goavro).
//
// It proves that forkcheck's fake server is wire-compatible with an official
// client: CreateReadSession, ReadRows on every stream to the end, and
// SplitReadStream, over a plaintext gRPC channel with no credentials.
//
// Checks, each failing with a message that names what was wrong:
//   - the session is AVRO, has an Avro schema goavro accepts, and has at most
//     -streams streams (when -streams > 0);
//   - every ReadRows response's row_count equals the rows decoded from it, and
//     every row is a record whose "row_id" is an integer;
//   - every row_id in [0, -rows) arrives exactly once, and no other;
//   - SplitReadStream on a stream gives a primary and a remainder that read
//     back, in order, exactly the original stream's rows (primary first).
//
// Prints one summary line on success. Exit status: 0 all checks passed,
// 1 a check or a call failed, 2 bad flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	storage "cloud.google.com/go/bigquery/storage/apiv1"
	"github.com/linkedin/goavro"
	"google.golang.org/api/option"
	storagepb "google.golang.org/genproto/googleapis/cloud/bigquery/storage/v1"
	"google.golang.org/grpc"
)

const (
	parent      = "projects/forkcheck"
	tablePrefix = "projects/forkcheck/datasets/synthetic/tables/"
)

type config struct {
	target  string
	table   string
	streams int
	rows    int64
	timeout time.Duration
}

// streamRead is what one ReadRows call delivered, read to the end.
type streamRead struct {
	rowIDs    []int64 // in arrival order
	responses int
	rowCount  int64 // sum of the responses' row_count
}

func parseFlags() (config, error) {
	var c config
	flag.StringVar(&c.target, "target", "", "host:port of the BigQuery Storage Read endpoint (plaintext)")
	flag.StringVar(&c.table, "table", "", "table to read: a short name (\"small\") under "+tablePrefix+", or a full table path")
	flag.IntVar(&c.streams, "streams", 4, "max_stream_count to ask for (0: the server chooses)")
	flag.Int64Var(&c.rows, "rows", -1, "expected row count of the table (required)")
	flag.DurationVar(&c.timeout, "timeout", 30*time.Second, "deadline for the whole check")
	flag.Parse()
	switch {
	case flag.NArg() > 0:
		return c, fmt.Errorf("unexpected argument %q (flags are -name=value)", flag.Arg(0))
	case c.target == "":
		return c, errors.New("-target is required (host:port)")
	case c.table == "":
		return c, errors.New("-table is required")
	case c.streams < 0:
		return c, fmt.Errorf("-streams must not be negative, got %d", c.streams)
	case c.rows < 0:
		return c, fmt.Errorf("-rows (the expected row count) is required and must not be negative, got %d", c.rows)
	case c.timeout <= 0:
		return c, fmt.Errorf("-timeout must be positive, got %v", c.timeout)
	}
	if !strings.Contains(c.table, "/") {
		c.table = tablePrefix + c.table
	}
	return c, nil
}

// rowID returns the "row_id" field of a decoded row. goavro gives a record as
// a map; a nullable column comes as a union map {"long": v}.
func rowID(row interface{}) (int64, error) {
	record, ok := row.(map[string]interface{})
	if !ok {
		return 0, fmt.Errorf("row decoded as %T, want an Avro record", row)
	}
	value, ok := record["row_id"]
	if !ok {
		return 0, errors.New("row has no \"row_id\" field")
	}
	if union, ok := value.(map[string]interface{}); ok {
		value = union["long"]
	}
	id, ok := value.(int64)
	if !ok {
		return 0, fmt.Errorf("row_id is %T (%v), want an Avro long", value, value)
	}
	return id, nil
}

// readStream reads `stream` from offset 0 to the end and decodes every row.
func readStream(ctx context.Context, client *storage.BigQueryReadClient,
	codec *goavro.Codec, stream string) (streamRead, error) {
	var out streamRead
	rows, err := client.ReadRows(ctx, &storagepb.ReadRowsRequest{ReadStream: stream})
	if err != nil {
		return out, fmt.Errorf("ReadRows(%s): %w", stream, err)
	}
	for {
		response, err := rows.Recv()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("ReadRows(%s) after %d responses, %d rows: %w",
				stream, out.responses, len(out.rowIDs), err)
		}
		where := fmt.Sprintf("ReadRows(%s) response %d", stream, out.responses)
		out.responses++
		out.rowCount += response.GetRowCount()
		avroRows := response.GetAvroRows()
		if avroRows == nil {
			if response.GetRowCount() != 0 {
				return out, fmt.Errorf("%s: row_count %d but no avro_rows", where, response.GetRowCount())
			}
			continue
		}
		buf := avroRows.GetSerializedBinaryRows()
		var decoded int64
		for len(buf) > 0 {
			row, rest, err := codec.NativeFromBinary(buf)
			if err != nil {
				return out, fmt.Errorf("%s: goavro cannot decode row %d of the response: %v", where, decoded, err)
			}
			id, err := rowID(row)
			if err != nil {
				return out, fmt.Errorf("%s, row %d of the response: %v", where, decoded, err)
			}
			out.rowIDs = append(out.rowIDs, id)
			decoded++
			buf = rest
		}
		if decoded != response.GetRowCount() {
			return out, fmt.Errorf("%s: row_count is %d but %d rows decoded", where, response.GetRowCount(), decoded)
		}
	}
}

// readAll reads every stream concurrently, as real readers do.
func readAll(ctx context.Context, client *storage.BigQueryReadClient,
	codec *goavro.Codec, streams []*storagepb.ReadStream) ([]streamRead, error) {
	reads := make([]streamRead, len(streams))
	errs := make([]error, len(streams))
	var wg sync.WaitGroup
	for i, s := range streams {
		wg.Add(1)
		go func(i int, name string) {
			defer wg.Done()
			reads[i], errs[i] = readStream(ctx, client, codec, name)
		}(i, s.GetName())
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return reads, nil
}

// checkExactlyOnce checks that the ids are [0, rows), each exactly once.
func checkExactlyOnce(reads []streamRead, rows int64) error {
	seen := make([]bool, rows)
	var total int64
	for i, r := range reads {
		for _, id := range r.rowIDs {
			if id < 0 || id >= rows {
				return fmt.Errorf("stream %d returned row_id %d, outside [0, %d)", i, id, rows)
			}
			if seen[id] {
				return fmt.Errorf("row_id %d arrived more than once (again on stream %d)", id, i)
			}
			seen[id] = true
			total++
		}
	}
	if total != rows {
		for id, ok := range seen {
			if !ok {
				return fmt.Errorf("got %d rows, want %d: row_id %d (and maybe others) never arrived", total, rows, id)
			}
		}
	}
	return nil
}

// checkSplit splits the first stream that can be split at one half and
// checks that primary then remainder read back exactly `original`'s rows.
// Returns a description for the summary.
func checkSplit(ctx context.Context, client *storage.BigQueryReadClient,
	codec *goavro.Codec, streams []*storagepb.ReadStream, reads []streamRead) (string, error) {
	if len(streams) == 0 {
		return "split skipped (no streams)", nil
	}
	for i, s := range streams {
		split, err := client.SplitReadStream(ctx, &storagepb.SplitReadStreamRequest{Name: s.GetName(), Fraction: 0.5})
		if err != nil {
			return "", fmt.Errorf("SplitReadStream(%s, 0.5): %w", s.GetName(), err)
		}
		primary, remainder := split.GetPrimaryStream(), split.GetRemainderStream()
		if primary == nil && remainder == nil {
			continue // too small to split: the documented empty response
		}
		if primary == nil || remainder == nil {
			return "", fmt.Errorf("SplitReadStream(%s): got primary %v and remainder %v; want both or neither",
				s.GetName(), primary, remainder)
		}
		first, err := readStream(ctx, client, codec, primary.GetName())
		if err != nil {
			return "", fmt.Errorf("reading the split's primary: %w", err)
		}
		second, err := readStream(ctx, client, codec, remainder.GetName())
		if err != nil {
			return "", fmt.Errorf("reading the split's remainder: %w", err)
		}
		if len(first.rowIDs) == 0 || len(second.rowIDs) == 0 {
			return "", fmt.Errorf("split of stream %d: primary has %d rows and remainder %d; want both non-empty",
				i, len(first.rowIDs), len(second.rowIDs))
		}
		joined := append(append([]int64{}, first.rowIDs...), second.rowIDs...)
		original := reads[i].rowIDs
		if len(joined) != len(original) {
			return "", fmt.Errorf("split of stream %d: primary (%d rows) + remainder (%d rows) = %d rows, but the stream has %d",
				i, len(first.rowIDs), len(second.rowIDs), len(joined), len(original))
		}
		for k := range joined {
			if joined[k] != original[k] {
				return "", fmt.Errorf("split of stream %d: row %d of primary+remainder is row_id %d, but the stream's is %d",
					i, k, joined[k], original[k])
			}
		}
		return fmt.Sprintf("split stream %d into %d+%d rows", i, len(first.rowIDs), len(second.rowIDs)), nil
	}
	return "", fmt.Errorf("SplitReadStream returned an empty response for all %d streams, so the split was not checked; ask for fewer -streams", len(streams))
}

func run(c config) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()

	client, err := storage.NewBigQueryReadClient(ctx,
		option.WithEndpoint(c.target),
		option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithInsecure()))
	if err != nil {
		return "", fmt.Errorf("NewBigQueryReadClient(%s): %w", c.target, err)
	}
	defer client.Close()

	session, err := client.CreateReadSession(ctx, &storagepb.CreateReadSessionRequest{
		Parent: parent,
		ReadSession: &storagepb.ReadSession{
			Table:      c.table,
			DataFormat: storagepb.DataFormat_AVRO,
		},
		MaxStreamCount: int32(c.streams),
	})
	if err != nil {
		return "", fmt.Errorf("CreateReadSession(%s): %w", c.table, err)
	}
	if session.GetDataFormat() != storagepb.DataFormat_AVRO {
		return "", fmt.Errorf("session data_format is %v, want AVRO", session.GetDataFormat())
	}
	schema := session.GetAvroSchema().GetSchema()
	if schema == "" {
		return "", errors.New("session has no avro_schema")
	}
	codec, err := goavro.NewCodec(schema)
	if err != nil {
		return "", fmt.Errorf("goavro rejects the session's Avro schema: %v\nschema: %s", err, schema)
	}
	streams := session.GetStreams()
	if c.streams > 0 && len(streams) > c.streams {
		return "", fmt.Errorf("session has %d streams, more than max_stream_count %d", len(streams), c.streams)
	}
	if c.rows > 0 && len(streams) == 0 {
		return "", fmt.Errorf("session has no streams, but the table should have %d rows", c.rows)
	}

	reads, err := readAll(ctx, client, codec, streams)
	if err != nil {
		return "", err
	}
	var decoded, rowCount int64
	responses := 0
	for _, r := range reads {
		decoded += int64(len(r.rowIDs))
		rowCount += r.rowCount
		responses += r.responses
	}
	if rowCount != decoded {
		return "", fmt.Errorf("the responses' row_count adds up to %d, but %d rows decoded", rowCount, decoded)
	}
	if err := checkExactlyOnce(reads, c.rows); err != nil {
		return "", err
	}
	split, err := checkSplit(ctx, client, codec, streams, reads)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("official Go client read %s: %d rows exactly once from %d streams in %d responses; %s",
		c.table, decoded, len(streams), responses, split), nil
}

func main() {
	c, err := parseFlags()
	if err != nil {
		fmt.Fprintf(os.Stderr, "read_with_official_client: %v\n", err)
		os.Exit(2)
	}
	summary, err := run(c)
	if err != nil {
		fmt.Fprintf(os.Stderr, "read_with_official_client: FAIL: %s on %s: %v\n", c.table, c.target, err)
		os.Exit(1)
	}
	fmt.Printf("read_with_official_client: OK: %s\n", summary)
}
