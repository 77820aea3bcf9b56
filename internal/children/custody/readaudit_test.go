package custody

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestSearchQueryRunsWhileWriterHoldsGate: a search does not wait for a
// long writer before running its query, only for its audit row. A writer
// renames a case and holds its transaction open; the search is started
// and, on SQLite, reaches the write gate (for its audit row) while the
// writer still holds it. Its result must show the name from before the
// rename: the query ran while the writer held the gate. (Before, the
// whole search queued at the gate and read the name after the rename.)
// On PostgreSQL there is no gate: the search answers while the writer
// holds its transaction.
func TestSearchQueryRunsWhileWriterHoldsGate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		c := f.child(admin, teenGirl())
		before := c.DisplayName()

		holding, release := make(chan struct{}), make(chan struct{})
		writer := make(chan error, 1)
		go func() {
			writer <- db.WithTx(context.Background(), func(ctx context.Context) error {
				_, err := db.Exec(ctx, `UPDATE cases SET given_names = 'Renamed' WHERE id = ?`, c.ID)
				close(holding)
				<-release
				return err
			})
		}()
		<-holding

		type result struct {
			cases []CaseSummary
			err   error
		}
		done := make(chan result, 1)
		go func() {
			cs, err := f.s.Search(admin, SearchQuery{Q: "Hernández"})
			done <- result{cs, err}
		}()
		var r result
		if db.Dialect == store.SQLite {
			// Wait (no deadline but the test's) until the search queues
			// at the gate: it has nothing left to do but its audit row.
			for db.WriterStats().Queued == 0 {
				select {
				case r = <-done:
					t.Fatalf("search answered while the gate was held: %+v", r)
				default:
					time.Sleep(time.Millisecond)
				}
			}
			close(release)
			r = <-done
		} else {
			r = <-done
			close(release)
		}
		if err := <-writer; err != nil {
			t.Fatal(err)
		}
		if r.err != nil {
			t.Fatal(r.err)
		}
		if len(r.cases) != 1 || r.cases[0].ID != c.ID {
			t.Fatalf("search = %+v, want case %d", r.cases, c.ID)
		}
		if r.cases[0].Name != before {
			t.Fatalf("search showed %q, want %q: its query waited for the writer", r.cases[0].Name, before)
		}
		if n := auditCount(t, db, "case.search", "search"); n != 1 {
			t.Fatalf("%d case.search audit rows, want 1", n)
		}
	})
}

// TestAuditedReadsGiveNoDataWithoutAudit: when the audit row cannot be
// written, a search, an export, a page of briefs, a case read, a placement
// recommendation and the deadline board answer an error and no data, on
// both engines.
func TestAuditedReadsGiveNoDataWithoutAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		c := f.child(admin, teenGirl())
		ctx := context.Background()
		// Hide the audit chain's head: every audit.Log fails.
		if _, err := db.Exec(ctx, `ALTER TABLE audit_head RENAME TO audit_head_hidden`); err != nil {
			t.Fatal(err)
		}
		restore := func() {
			if _, err := db.Exec(ctx, `ALTER TABLE audit_head_hidden RENAME TO audit_head`); err != nil {
				t.Fatal(err)
			}
		}
		if cs, err := f.s.Search(admin, SearchQuery{Q: "Hernández"}); err == nil || cs != nil {
			t.Errorf("Search = %v, %v; want no data and an error", cs, err)
		}
		if pg, err := f.s.SearchPage(admin, SearchQuery{}); err == nil || pg != nil {
			t.Errorf("SearchPage = %v, %v; want no data and an error", pg, err)
		}
		if pg, err := f.s.Export(admin, SearchQuery{}); err == nil || pg != nil {
			t.Errorf("Export = %v, %v; want no data and an error", pg, err)
		}
		if bs, err := f.s.Briefs(admin, []int64{c.ID}); err == nil || bs != nil {
			t.Errorf("Briefs = %v, %v; want no data and an error", bs, err)
		}
		if v, err := f.s.GetCase(admin, c.ID); err == nil || v != nil {
			t.Errorf("GetCase = %v, %v; want no data and an error", v, err)
		}
		if b, err := f.s.Board(admin, 0, 0); err == nil || b != nil {
			t.Errorf("Board = %v, %v; want no data and an error", b, err)
		}
		if r, err := f.s.Recommend(admin, c.ID); err == nil || r != nil {
			t.Errorf("Recommend = %v, %v; want no data and an error", r, err)
		}
		restore()
		// The same reads answer once the audit works again: the failure
		// above was the audit's.
		if cs, err := f.s.Search(admin, SearchQuery{Q: "Hernández"}); err != nil || len(cs) != 1 {
			t.Fatalf("Search = %v, %v; want the case", cs, err)
		}
		if bs, err := f.s.Briefs(admin, []int64{c.ID}); err != nil || len(bs) != 1 {
			t.Fatalf("Briefs = %v, %v; want the case", bs, err)
		}
		if v, err := f.s.GetCase(admin, c.ID); err != nil || v.Case.ID != c.ID {
			t.Fatalf("GetCase = %v, %v; want the case", v, err)
		}
		if _, err := f.s.Recommend(admin, c.ID); err != nil {
			t.Fatalf("Recommend: %v", err)
		}
		if n := auditCount(t, db, "case.recommend", fmt.Sprint(c.ID)); n != 1 {
			t.Fatalf("%d case.recommend audit rows, want 1 (the refused one wrote none)", n)
		}
	})
}
