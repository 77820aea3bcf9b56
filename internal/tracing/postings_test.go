package tracing

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestPostingsMatchMap checks an index's postings against the map of
// slices they replace, kept the old way beside them: after NewIndex, Add
// and Replace (renamed, removed, re-added), every key gives the same
// records in the same order, the only thing searches read of them.
func TestPostingsMatchMap(t *testing.T) {
	f, err := os.Open(filepath.Join(sharedDir, "dev-dedupe-hard", "people.csv"))
	if err != nil {
		t.Skipf("SKIPPED: development set not found: %v", err)
	}
	defer f.Close()
	recs, err := ReadCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	half := len(recs) / 2
	ix := NewIndex(recs[:half], nil)
	for _, r := range recs[half:] {
		ix.Add(r)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 500; k++ {
		r := recs[rng.IntN(len(recs))]
		switch k % 3 {
		case 0: // renamed
			s := recs[rng.IntN(len(recs))]
			r.GivenNames, r.Surname1 = s.GivenNames, s.Surname1
			ix.Replace(r.ID, r)
		case 1: // removed
			ix.Replace(r.ID)
		default: // two names
			s := r
			s.Surname1, s.Surname2 = r.Surname2, r.Surname1
			ix.Replace(r.ID, r, s)
		}
	}
	// The map the postings replace, built from what is indexed now.
	want := map[uint64][]uint32{}
	wantGiven := map[uint64][]uint32{}
	k := newKeyHasher()
	var ft features
	for i := range ix.recs.len() {
		if ix.ids[i] == "" {
			continue
		}
		ix.recs.get(uint32(i), &ft)
		keys := blockKeys(k, &ft, nil)
		slices.Sort(keys)
		for _, h := range slices.Compact(keys) {
			want[h] = append(want[h], uint32(i))
		}
		for _, h := range givenKeys(k, &ft, nil) {
			wantGiven[h] = append(wantGiven[h], uint32(i))
		}
	}
	check := func(name string, p *postings, want map[uint64][]uint32) {
		for h, ms := range want {
			base, extra := p.lookup(h)
			if got := slices.Concat(base, extra); !slices.Equal(got, ms) {
				t.Fatalf("%s: key %x: %v, want %v", name, h, got, ms)
			}
		}
		// And no key holds records the map does not.
		for _, h := range p.keys {
			base, extra := p.lookup(h)
			if n := len(base) + len(extra); n != len(want[h]) {
				t.Fatalf("%s: key %x: %d records, want %d", name, h, n, len(want[h]))
			}
		}
		for h, e := range p.extra {
			if len(e) == 0 || len(want[h]) == 0 {
				t.Fatalf("%s: key %x: %d added records left, want %v", name, h, len(e), want[h])
			}
		}
	}
	check("blocking keys", &ix.post, want)
	check("given-name keys", &ix.byGiven, wantGiven)
	t.Logf("%d records, %d keys", ix.recs.len(), len(want))
}

// TestPostingsCompact: records added one at a time (and some removed)
// are merged into the sorted arrays as they grow, and every key still
// gives its records in the order they were indexed.
func TestPostingsCompact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	keysOf := func(i int) []uint64 { // 3 keys a record out of 500
		return []uint64{uint64(i % 500), uint64(500 + i%7), uint64(1000 + rng.IntN(400))}
	}
	want := map[uint64][]uint32{}
	var recKeys [][]uint64
	for i := range 2000 {
		recKeys = append(recKeys, keysOf(i))
	}
	p := buildPostings(2000, func(i int, dst []uint64) []uint64 { return append(dst, recKeys[i]...) })
	for i := range 2000 {
		for _, h := range recKeys[i] {
			want[h] = append(want[h], uint32(i))
		}
	}
	compactions := 0
	for i := 2000; i < 20000; i++ {
		ks := keysOf(i)
		recKeys = append(recKeys, ks)
		for _, h := range ks {
			before := p.extraN
			p.add(h, uint32(i))
			want[h] = append(want[h], uint32(i))
			if p.extraN < before {
				compactions++
			}
		}
		if i%10 == 0 { // remove an earlier record
			r := uint32(rng.IntN(i))
			for _, h := range recKeys[r] {
				p.remove(h, r)
				want[h] = slices.DeleteFunc(want[h], func(x uint32) bool { return x == r })
			}
		}
	}
	if compactions < 3 {
		t.Fatalf("%d compactions for 54,000 entries added: extra was not merged", compactions)
	}
	for h, ms := range want {
		base, extra := p.lookup(h)
		if got := slices.Concat(base, extra); !slices.Equal(got, ms) {
			t.Fatalf("key %d: %v, want %v", h, got, ms)
		}
	}
}
