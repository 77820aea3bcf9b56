package indicators

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"regexp"
	"testing"
)

// TestBuiltinChecksums keeps data/README.md honest: every shipped file is
// listed with the checksum of the bytes embedded in the binary.
func TestBuiltinChecksums(t *testing.T) {
	readme, err := builtinFS.ReadFile("data/README.md")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^([0-9a-f]{64})  (\S+)$`).FindAllStringSubmatch(string(readme), -1) {
		listed["data/"+m[2]] = m[1]
	}
	for _, bf := range BuiltinFiles {
		f, _, err := OpenBuiltin(bf.Path)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		io.Copy(h, f)
		f.Close()
		got := hex.EncodeToString(h.Sum(nil))
		if listed[bf.Path] != got {
			t.Errorf("%s: README lists %q, file is %s", bf.Path, listed[bf.Path], got)
		}
	}
}
