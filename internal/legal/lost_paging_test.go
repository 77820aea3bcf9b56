package legal

import (
	"fmt"
	"testing"

	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestLostContactPaging: five lost children (four released to a parent,
// one to an aunt) read two at a time: each page
// holds the next children, longest lost first, and the total and the
// counts per month and per sponsor category are those of all five
// whatever the page; a limit or offset out of range is refused (422)
// and nothing is read.
func TestLostContactPaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		var lost []int64
		for i := range 5 {
			id := f.placedChild()
			if i < 4 {
				f.release(id) // a parent: category 1
			} else {
				f.releaseTo(id, "aunt", false) // category 2B, only on the last page
			}
			if _, err := f.legal.RecordAttempt(f.admin, id, AttemptInput{Outcome: CallWrongContact}); err != nil {
				t.Fatal(err)
			}
			lost = append(lost, id)
		}
		whole, err := f.legal.LostContact(f.admin, LostQuery{})
		if err != nil || whole.Total != 5 || len(whole.Lost) != 5 || whole.Limit != DefaultLostPage {
			t.Fatalf("whole board: %+v %v", whole, err)
		}
		var seen []int64
		for off := 0; off < 6; off += 2 {
			b, err := f.legal.LostContact(f.admin, LostQuery{Limit: 2, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			if want := min(2, 5-off); len(b.Lost) != want {
				t.Fatalf("page from %d: %d children, want %d", off, len(b.Lost), want)
			}
			if b.Total != 5 || fmt.Sprint(b.ByReleaseMonth) != fmt.Sprint(whole.ByReleaseMonth) || fmt.Sprint(b.BySponsorCategory) != fmt.Sprint(whole.BySponsorCategory) {
				t.Fatalf("page from %d changed the counts: %d %v %v, whole %v %v", off, b.Total, b.ByReleaseMonth, b.BySponsorCategory, whole.ByReleaseMonth, whole.BySponsorCategory)
			}
			for _, e := range b.Lost {
				if e.Case == nil {
					t.Fatalf("page from %d: child %d without its brief", off, e.CaseID)
				}
				seen = append(seen, e.CaseID)
			}
		}
		for i, e := range whole.Lost {
			if seen[i] != e.CaseID || lost[i] != e.CaseID { // lost in this order, longest lost first
				t.Fatalf("pages %v, whole board in order %v", seen, whole.Lost)
			}
		}
		if n := whole.ByReleaseMonth[0].Count; n != 5 || fmt.Sprint(whole.BySponsorCategory) != "[{1 4} {2B 1}]" {
			t.Fatalf("counts: %v %v", whole.ByReleaseMonth, whole.BySponsorCategory)
		}
		for _, q := range []LostQuery{{Limit: -1}, {Limit: MaxLost + 1}, {Offset: -1}} {
			if _, err := f.legal.LostContact(f.admin, q); !errs.IsValidation(err) {
				t.Errorf("%+v: %v", q, err)
			}
		}
	})
}
