package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// blankLines is n newlines, read without holding them in memory: the
// CSV reader skips them, so a body over the cap costs little.
type blankLines struct{ n int64 }

func (b *blankLines) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), b.n)
	for i := range k {
		p[i] = '\n'
	}
	b.n -= k
	return int(k), nil
}

// Issue 15: an unbalanced quote was a 500 (a panic) with the rows before
// it committed; an empty body a 500; a body over the cap a 500.
func TestCaseImportAPILimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		tok := env.tokens[auth.RoleAdmin]
		countCases := func() int {
			var n int
			if err := db.QueryRow(t.Context(), `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := countCases()
		valid := "given_names,surname1,encountered_at\n" + strings.Repeat("Ana,Tiul,2026-03-01T09:00Z\n", 600)

		resp, body := env.do(t, "POST", "/api/v1/cases/import", tok, "")
		if resp.StatusCode != 400 || !strings.Contains(string(body), "empty") {
			t.Errorf("empty body: %d %s", resp.StatusCode, body)
		}

		resp, body = env.do(t, "POST", "/api/v1/cases/import", tok, valid+"Luis,\"Pérez,2026-03-01T09:00Z\nMore,Rows,2026-03-01T09:00Z\n")
		var res struct {
			Imported int
			Aborted  string
			Errors   []struct{ Line int }
		}
		if err := json.Unmarshal(body, &res); resp.StatusCode != 200 || err != nil || res.Imported != 0 || res.Aborted == "" ||
			len(res.Errors) != 1 || res.Errors[0].Line != 602 {
			t.Errorf("unbalanced quote after 600 rows: %d %.300s", resp.StatusCode, body)
		}
		if n := countCases(); n != before {
			t.Errorf("an aborted import committed %d cases", n-before)
		}

		req, _ := http.NewRequest("POST", env.ts.URL+"/api/v1/cases/import",
			io.MultiReader(strings.NewReader(valid), &blankLines{64 << 20}))
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 413 || !bytes.Contains(body, []byte(`"too_large"`)) {
			t.Errorf("over the cap: %d %.300s", resp.StatusCode, body)
		}
		if n := countCases(); n != before {
			t.Errorf("an import over the cap committed %d cases", n-before)
		}

		resp, body = env.do(t, "POST", "/api/v1/cases/import", tok, valid)
		if err := json.Unmarshal(body, &res); resp.StatusCode != 200 || err != nil || res.Imported != 600 || countCases() != before+600 {
			t.Errorf("valid file: %d %.300s", resp.StatusCode, body)
		}
	})
}
