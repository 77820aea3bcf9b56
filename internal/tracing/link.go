package tracing

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

func workers() int { return runtime.GOMAXPROCS(0) }

// Match is one candidate record (left) for one inquiry (right).
type Match struct {
	RightID     string        `json:"right_id"`
	LeftID      string        `json:"left_id"`
	Rank        int           `json:"rank"` // candidates tied with the best all have rank 1
	Probability float64       `json:"probability"`
	Weight      float64       `json:"weight"`
	Explanation []FieldWeight `json:"explanation"`
}

// Train fits a model to records: name frequencies are counted, u comes from
// random pairs, m and the prior from EM on the pairs the blocking rules
// bring together. No labels are needed.
func Train(ctx context.Context, recs []Record, opts Options) (*Model, error) {
	o := opts.withDefaults()
	fs, err := prepare(ctx, recs, o.Workers)
	if err != nil {
		return nil, fmt.Errorf("tracing: train: %w", err)
	}
	bl := buildBlocks(fs, o.MaxBlock)
	m := DefaultModel()
	n := len(fs)
	trainModel(m, fs, n-1, float64(n)*float64(n-1)/2, func(fn func(a, b *features) bool) float64 {
		return sampleGroups(bl, emMaxPairs, func(i, j uint32) bool { return fn(&fs[i], &fs[j]) })
	})
	return m, nil
}

// Link finds, for each right record (an inquiry), up to topK left records
// (children on record) that match with at least opts.Threshold, best first.
// Where the threshold is chosen for F1, candidates tied with the best
// (tiedFirst) are all declared at rank 1, even beyond topK.
// Without opts.Model, the model is trained on the pairs of left and right
// records the blocking brings together.
func Link(ctx context.Context, left, right []Record, topK int, opts Options) ([]Match, error) {
	o := opts.withDefaults()
	if topK <= 0 {
		topK = 1
	}
	lf, err := prepare(ctx, left, o.Workers)
	if err != nil {
		return nil, fmt.Errorf("tracing: link: %w", err)
	}
	rf, err := prepare(ctx, right, o.Workers)
	if err != nil {
		return nil, fmt.Errorf("tracing: link: %w", err)
	}
	m := o.Model.ForPopulation(len(left))
	if m == nil {
		m = DefaultModel()
	}
	ids := make([]string, len(left))
	for i := range left {
		ids[i] = left[i].ID
	}
	ix := buildIndex(ids, lf, m, max(o.MaxBlock, searchMaxPosting), false)
	if o.Model == nil {
		all := make([]features, 0, len(lf)+len(rf))
		all = append(all, lf...)
		all = append(all, rf...)
		trainModel(m, all, len(lf), float64(len(lf))*float64(len(rf)), func(fn func(a, b *features) bool) float64 {
			n, queries := 0, 0
			for i := range rf {
				ix.candidates(&rf[i], func(f *features) { fn(&rf[i], f); n++ })
				queries++
				if n > emMaxPairs {
					break
				}
			}
			return float64(len(rf)) / float64(max(queries, 1))
		})
		o.Logger.Info("tracing: link model trained", "prior", m.Prior, "prior_family", m.PriorFamily)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("tracing: link: %w", err)
	}
	if o.OnModel != nil {
		o.OnModel(m)
	}
	// For inquiries that say little, the decisions also look at the
	// records only the held-out keys bring together; the model was
	// learnt without them (see heldOutBlocks), and so is the selection
	// shift, while the share of inquiries on record and the threshold
	// are judged on the candidates the decisions weigh (linkThreshold).
	if heldOutLink(rf) {
		k := newKeyHasher()
		p := buildPostings(len(lf), func(i int, dst []uint64) []uint64 { return heldOutKeys(k, &lf[i], dst) })
		ix.heldOut = &p
	}
	// With the threshold chosen for F1, an inquiry's candidates are
	// declared by their chance of being its child (inquiryJudge), the
	// threshold applying to that chance.
	var judge *inquiryJudge
	if o.Threshold == 0 {
		var f1, bits float64
		o.Threshold, f1, bits, judge = linkThreshold(ctx, ix, rf, m)
		o.Logger.Info("tracing: threshold chosen for F1", "threshold", o.Threshold, "expected_f1", f1, "selection_bits", bits)
	}
	results := make([][]Match, len(right))
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < o.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen := map[uint32]struct{}{}
			for {
				i := int(next.Add(1)) - 1
				if i >= len(right) || ctx.Err() != nil {
					return
				}
				var hits []hit
				tied := 1
				if judge != nil {
					all := ix.search(ctx, &rf[i], judgeMaxHits, judgeMinPosterior, seen)
					tied = tiedFirst(all)
					hits = judge.decide(all, max(topK, tied), o.Threshold)
				} else {
					hits = ix.search(ctx, &rf[i], topK, o.Threshold, seen)
				}
				ms := make([]Match, len(hits))
				var f features
				for r, h := range hits {
					ix.recs.get(h.i, &f)
					ex, wt := m.explain(&rf[i], &f)
					rank := r + 1
					if r < tied {
						rank = 1
					}
					ms[r] = Match{RightID: right[i].ID, LeftID: ix.ids[h.i], Rank: rank,
						Probability: m.probability(wt), Weight: wt, Explanation: ex}
				}
				results[i] = ms
				if o.Progress != nil {
					o.Progress(int(done.Add(1)), len(right))
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("tracing: link: %w", err)
	}
	var out []Match
	for _, ms := range results {
		out = append(out, ms...)
	}
	return out, nil
}

// linkThreshold chooses the threshold for F1 (f1Threshold) from a sample
// of the inquiries rf: Link answers an inquiry with its best candidates,
// so an inquiry is one decision, its best candidate's chance of being the
// child (judgeInquiries) against the inquiry's other candidates, raised
// as selectionShift says from all of them. It returns the threshold (on
// that chance), the F1 expected there, the bits the posteriors were
// raised by and the judge Link declares candidates with; a model not
// fittedToSet keeps 0.5 on the posteriors, and no judge.
func linkThreshold(ctx context.Context, ix *Index, rf []features, m *Model) (threshold, expectedF1, bits float64, judge *inquiryJudge) {
	if !m.fittedToSet() || len(rf) == 0 {
		return autoMaxThreshold, 0, 0, nil
	}
	var cand posteriorSample
	n, queries := 0, 0
	var qs []inquiry
	perPair := m.Prior * float64(ix.Len())
	for i := range rf {
		var q inquiry
		bestW := math.Inf(-1)
		ix.candidates(&rf[i], func(f *features) {
			w := m.score(&rf[i], f)
			p := m.probability(w)
			cand.add(p)
			r := math.Exp2(w) / perPair
			q.rSum += r
			if w > bestW {
				bestW, q.best, q.rBest = w, p, r
			}
			n++
		})
		if ix.heldOut != nil {
			q = inquiryOf(ix.search(ctx, &rf[i], judgeMaxHits, judgeMinPosterior, nil), m, perPair)
		}
		qs = append(qs, q)
		queries++
		if n > emMaxPairs {
			break
		}
	}
	scale := float64(len(rf)) / float64(queries)
	// The posteriors of the inquiries' candidates, all of them, against
	// the matches the fit found among them: how much selection raises
	// them (selectionShift).
	odds := selectionShift(&cand, scale, m.candidateMatches)
	// Each sampled inquiry is one decision: its best candidate, declared
	// by its chance of being the child, which is also the chance the
	// decision is right.
	pi := judgeInquiries(qs, odds)
	j := &inquiryJudge{pi: pi, odds: odds, perPair: perPair}
	var s posteriorSample
	for _, q := range qs {
		c := j.chance(q.rBest, q.rSum)
		s.addJudged(c, c)
	}
	// The inquiries that have a match: the model's prior says how many
	// records of the left each has.
	matches := math.Min(float64(len(rf)), m.Prior*float64(ix.Len())*float64(len(rf)))
	threshold, expectedF1 = f1Threshold(&s, scale, matches, odds)
	return threshold, expectedF1, math.Log2(odds), j
}

// inquiryOf is the inquiry whose candidates are hits (best first), as
// decide weighs them. Where Link also looks at the held-out keys, the
// share of inquiries on record is fitted from these: fitted from the
// ordinary keys' candidates alone, it counted the inquiries whose child
// only a held-out key reaches as not on record (0.86 for 0.94 on the use
// case, NOTES.md), and the chances of every decision were low by as much.
func inquiryOf(hits []hit, m *Model, perPair float64) inquiry {
	var q inquiry
	for k, h := range hits {
		r := math.Exp2(h.w) / perPair
		q.rSum += r
		if k == 0 {
			q.best, q.rBest = m.probability(h.w), r
		}
	}
	return q
}

// inquiry is what linkThreshold knows of a sampled inquiry: its best
// candidate's posterior, and the odds of its best candidate and of all
// its candidates together against a left record drawn at random
// (2^weight over the model's prior times the left records).
type inquiry struct{ best, rBest, rSum float64 }

// judgeInquiries returns the share pi of inquiries qs (their odds
// raised by odds, selectionShift) that have a record on the left, fitted
// by EM from their candidates. An inquiry is of one child or none: its
// candidate of odds r is the child with chance pi·r/(1 − pi + pi·Σr)
// (inquiryJudge.chance), which namesakes among the candidates lower and a
// lone candidate raises above its posterior (which weighs it against a
// random pair's base rate, not against the inquiry's chance of being on
// record at all).
func judgeInquiries(qs []inquiry, odds float64) float64 {
	pi := 0.5
	for range 200 {
		t := 0.0
		for _, q := range qs {
			r := q.rSum * odds
			t += pi * r / (1 - pi + pi*r)
		}
		next := min(t/float64(max(len(qs), 1)), maxInquiryShare)
		done := math.Abs(next-pi) < 1e-7
		pi = next
		if done {
			break
		}
	}
	return pi
}

// maxInquiryShare bounds pi in judgeInquiries: with every inquiry on
// record, a lone candidate however weak would be the child.
const maxInquiryShare = 0.99

// inquiryJudge declares an inquiry's candidates by their chance of being
// its child (judgeInquiries): pi the share of inquiries on record, odds
// the selection shift, perPair the prior times the left records.
type inquiryJudge struct{ pi, odds, perPair float64 }

// judgeMaxHits and judgeMinPosterior bound the candidates whose odds an
// inquiry's chances are weighed against: under a posterior of 0.0005 a
// candidate changes a chance by less than that, and an inquiry with a
// hundred namesakes has no candidate worth declaring.
const (
	judgeMaxHits      = 100
	judgeMinPosterior = 0.0005
)

// chance is the chance that a candidate of odds r is the child of an
// inquiry whose candidates' odds sum to rSum.
func (j *inquiryJudge) chance(r, rSum float64) float64 {
	return j.pi * r * j.odds / (1 - j.pi + j.pi*rSum*j.odds)
}

// decide keeps, of an inquiry's hits (best first), up to topK whose
// chance is threshold or more.
func (j *inquiryJudge) decide(hits []hit, topK int, threshold float64) []hit {
	sum := 0.0
	for _, h := range hits {
		sum += math.Exp2(h.w) / j.perPair
	}
	out := hits[:0]
	for _, h := range hits {
		if len(out) == topK {
			break
		}
		if j.chance(math.Exp2(h.w)/j.perPair, sum) >= threshold {
			out = append(out, h)
		}
	}
	return out
}

// tiedFirst is how many of an inquiry's hits (best first) weigh exactly
// as much as the best: namesakes its words cannot tell apart ("Juan,
// 2014"). Link declares them together, each at rank 1, for the case
// worker to choose: ranking one first would be a coin flip shown as an
// answer. Declaring none of them was measured too (NOTES.md, branch
// sparse5) and scored lower.
func tiedFirst(hits []hit) int {
	n := min(len(hits), 1)
	for n < len(hits) && hits[n].w == hits[0].w {
		n++
	}
	return n
}

// heldOutLink reports whether Link looks at the held-out keys: where
// fewer than selectionMaxShare of the inquiries say3, as sparseSet says
// of a dedupe's records. The inquiries decide, whatever the records
// searched: a relative's inquiry says little even where the custody
// records it is matched against are full.
func heldOutLink(rf []features) bool { return sparseSet(rf) }
