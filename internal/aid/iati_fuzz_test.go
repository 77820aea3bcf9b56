package aid

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// decodeAll reads every activity of doc as the import does (without the
// database) and returns each in its stored form.
func decodeAll(doc []byte) ([]string, error) {
	ir := newIATIReader(bytes.NewReader(doc))
	var out []string
	for {
		n, err := ir.next()
		if err != nil || n == nil {
			return out, err
		}
		if err := checkIATI("iati-activities", n); err != nil {
			return out, err
		}
		readActivity(n)
		var b bytes.Buffer
		writeNode(&b, n)
		out = append(out, b.String())
	}
}

// FuzzIATIDecode: whatever the bytes, the decoder does not panic and
// either refuses them with an *IATIError naming a line, or accepts them;
// an accepted activity, stored and read again, is stored alike (so the
// export writes back what was read). Seeds: the should-fail and
// should-pass files.
//
//	go test ./internal/aid/ -run '^$' -fuzz FuzzIATIDecode -fuzztime 60s
func FuzzIATIDecode(f *testing.F) {
	for _, dir := range []string{"should-fail", "should-pass"} {
		files, _ := filepath.Glob(filepath.Join("testdata", "iati", dir, "*.xml"))
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		stored, err := decodeAll(doc)
		if err != nil {
			var ie *IATIError
			if !errors.As(err, &ie) || ie.Line < 1 {
				t.Fatalf("refusal without a line: %v", err)
			}
			return
		}
		for _, s := range stored {
			again, err := decodeAll([]byte(`<iati-activities version="2.03">` + s + `</iati-activities>`))
			if err != nil || len(again) != 1 || again[0] != s {
				t.Fatalf("stored form does not read back alike: %v\n%s\n%v", err, s, again)
			}
		}
	})
}
