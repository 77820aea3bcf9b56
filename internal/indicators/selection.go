package indicators

// The default's own track record. chooseDefault picks a series' default
// from the backtest of all its data; scoring that model over every origin
// would credit the choice with knowledge of later errors. Here the choice
// is re-made at every origin t from the origins whose h targets were all
// observed by t (the backtest as it stood then), and the forecast scored
// at t is the one the model chosen then made. This is the track record of
// the procedure "use the default", which is what a user relies on.

// SelectionModel names the default re-chosen at each origin in scores.
const SelectionModel = "default_rechosen"

// selection re-makes the default at every origin of the backtest and
// scores the forecasts it would have shown. choices counts the origins at
// which each model was the default.
func (bt *backtest) selection(y []float64, h int) (Score, map[string]int) {
	choices := map[string]int{}
	var track []btOrigin
	naive := bt.tracks[bt.benchmark()]
	for _, b := range naive {
		t := b.origin
		model := bt.defaultAt(y, h, t)
		choices[model]++
		for _, c := range bt.tracks[model] {
			if c.origin == t {
				track = append(track, c)
				break
			}
		}
	}
	sc := scoreTrack(SelectionModel, y, h, track)
	if naive != nil {
		c := compareTracks(y, track, naive, h)
		sc.VsBenchmark = &c
	}
	return sc, choices
}

// defaultAt is chooseDefault on the backtest as it stood at origin t:
// each model's origins whose h targets were observed before t.
func (bt *backtest) defaultAt(y []float64, h, t int) string {
	past := func(track []btOrigin) []btOrigin {
		var out []btOrigin
		for _, b := range track {
			if b.origin+h <= t {
				out = append(out, b)
			}
		}
		return out
	}
	bench := bt.benchmark()
	naive := past(bt.tracks[bench])
	var scores []Score
	for _, s := range bt.scores {
		tr := past(bt.tracks[s.Model])
		if len(tr) == 0 {
			continue
		}
		sc := scoreTrack(s.Model, y, h, tr)
		if s.Model != bench && len(naive) > 0 {
			c := compareTracks(y, tr, naive, h)
			sc.VsBenchmark = &c
		}
		scores = append(scores, sc)
	}
	if len(scores) == 0 {
		return bench
	}
	return chooseDefault(scores)
}
