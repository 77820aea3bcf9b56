package tracing

import (
	"cmp"
	"slices"
)

// postings map blocking keys to the records that have them. An index's
// records are laid out once, at build, as sorted keys and one array of
// record numbers (4 bytes an entry, 12 a key); a map of slices, as
// before, cost some 50 bytes a key and was most of the 2.5 KB per case a
// server held. Records added later go to a small map beside it (extra),
// and removing one shifts it out of its group (removed counts how many
// entries each group has lost at its end), so a key's records stay in the
// order they were indexed, as searches read them.
type postings struct {
	keys    []uint64
	start   []uint32 // group g is members[start[g]:start[g+1]-removed[g]]
	members []uint32
	removed map[uint32]uint32
	extra   map[uint64][]uint32
	extraN  int // entries in extra
}

// compactAfter: extra is merged into the sorted arrays once it holds more
// than a quarter as many entries as they do (and more than this many). A
// map entry costs some 50 bytes against 4 in members, so an index grown
// one Add at a time (a server's matcher, as an import brings its cases)
// held 1,177 bytes a record against 630 built at once; merging at a fixed
// ratio keeps the copying to a constant amount per entry added.
const compactAfter = 1024

// buildPostings indexes records 0..n-1 under the keys keysOf gives them
// (a record's repeated keys count once).
func buildPostings(n int, keysOf func(i int, dst []uint64) []uint64) postings {
	type entry struct {
		h uint64
		i uint32
	}
	var es []entry
	var tmp []uint64
	for i := 0; i < n; i++ {
		tmp = keysOf(i, tmp[:0])
		for _, h := range tmp {
			es = append(es, entry{h, uint32(i)})
		}
	}
	slices.SortFunc(es, func(a, b entry) int {
		if c := cmp.Compare(a.h, b.h); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	es = slices.Compact(es)
	groups := 0
	for k := range es {
		if k == 0 || es[k].h != es[k-1].h {
			groups++
		}
	}
	p := postings{keys: make([]uint64, 0, groups), start: make([]uint32, 0, groups+1), members: make([]uint32, len(es))}
	for k, e := range es {
		if k == 0 || e.h != es[k-1].h {
			p.keys = append(p.keys, e.h)
			p.start = append(p.start, uint32(k))
		}
		p.members[k] = e.i
	}
	p.start = append(p.start, uint32(len(es)))
	return p
}

// lookup returns the records under key h: those indexed at build, then
// those added since.
func (p *postings) lookup(h uint64) (base, extra []uint32) {
	if g, ok := slices.BinarySearch(p.keys, h); ok {
		base = p.members[p.start[g] : p.start[g+1]-p.removed[uint32(g)]]
	}
	return base, p.extra[h]
}

// add indexes record i under h, after every record already there.
func (p *postings) add(h uint64, i uint32) {
	if p.extra == nil {
		p.extra = map[uint64][]uint32{}
	}
	p.extra[h] = append(p.extra[h], i)
	p.extraN++
	if p.extraN > compactAfter && p.extraN > len(p.members)/4 {
		p.compact()
	}
}

// compact merges extra into the sorted arrays: each key's records stay in
// the order they were indexed (those of the build, then those added), and
// keys whose records were all removed are dropped.
func (p *postings) compact() {
	var fresh []uint64
	for h := range p.extra {
		if _, ok := slices.BinarySearch(p.keys, h); !ok {
			fresh = append(fresh, h)
		}
	}
	slices.Sort(fresh)
	n := len(p.keys) + len(fresh)
	keys, start := make([]uint64, 0, n), make([]uint32, 0, n+1)
	members := make([]uint32, 0, len(p.members)+p.extraN)
	for i, j := 0, 0; i < len(p.keys) || j < len(fresh); {
		var h uint64
		var base []uint32
		if j == len(fresh) || i < len(p.keys) && p.keys[i] < fresh[j] {
			h, base = p.keys[i], p.members[p.start[i]:p.start[i+1]-p.removed[uint32(i)]]
			i++
		} else {
			h = fresh[j]
			j++
		}
		ex := p.extra[h]
		if len(base)+len(ex) == 0 {
			continue
		}
		keys = append(keys, h)
		start = append(start, uint32(len(members)))
		members = append(append(members, base...), ex...)
	}
	start = append(start, uint32(len(members)))
	p.keys, p.start, p.members, p.removed, p.extra, p.extraN = keys, start, members, nil, nil, 0
}

// remove takes record i from under h.
func (p *postings) remove(h uint64, i uint32) {
	if g, ok := slices.BinarySearch(p.keys, h); ok {
		ms := p.members[p.start[g] : p.start[g+1]-p.removed[uint32(g)]]
		if k := slices.Index(ms, i); k >= 0 {
			copy(ms[k:], ms[k+1:])
			if p.removed == nil {
				p.removed = map[uint32]uint32{}
			}
			p.removed[uint32(g)]++
		}
	}
	if e := p.extra[h]; len(e) > 0 {
		if k := slices.Index(e, i); k >= 0 {
			e = slices.Delete(e, k, k+1)
			p.extraN--
			if len(e) == 0 {
				delete(p.extra, h)
			} else {
				p.extra[h] = e
			}
		}
	}
}
