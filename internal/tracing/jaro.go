package tracing

// jaroWinkler returns the Jaro-Winkler similarity of two folded names.
//
// Written here rather than taken from github.com/adrg/strutil because the
// matcher calls it tens of millions of times on a 1,000,000-row dedupe:
// strutil converts both strings to rune slices and allocates match tables
// on every call, while folded names are plain ASCII, so this works on bytes
// with fixed-size stack buffers and allocates nothing.
func jaroWinkler(a, b string) float64 {
	if a == b {
		if a == "" {
			return 0
		}
		return 1
	}
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0
	}
	if la > 64 || lb > 64 {
		// Names this long are not names; compare the first 64 bytes.
		if la > 64 {
			a, la = a[:64], 64
		}
		if lb > 64 {
			b, lb = b[:64], 64
		}
	}
	window := max(la, lb)/2 - 1
	if window < 0 {
		window = 0
	}
	var ma, mb [64]bool
	m := 0
	for i := 0; i < la; i++ {
		lo, hi := max(0, i-window), min(lb, i+window+1)
		for j := lo; j < hi; j++ {
			if !mb[j] && a[i] == b[j] {
				ma[i], mb[j] = true, true
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	t, j := 0, 0
	for i := 0; i < la; i++ {
		if !ma[i] {
			continue
		}
		for !mb[j] {
			j++
		}
		if a[i] != b[j] {
			t++
		}
		j++
	}
	fm := float64(m)
	jaro := (fm/float64(la) + fm/float64(lb) + (fm-float64(t/2))/fm) / 3
	prefix := 0
	for prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix] {
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}

// jaroWinklerAtLeast reports whether jaroWinkler(a, b) >= t. Most pairs
// of names compared are far apart, and a bound from the letters the two
// names share (counted in 32 buckets, so that letters sharing a bucket only
// raise the bound) rules them out without the full computation, which is
// the costliest step of comparing two records.
func jaroWinklerAtLeast(a, b string, t float64) bool {
	return jaroWinklerFrom(a, b, t) >= t
}

// jaroWinklerFrom returns jaroWinkler(a, b) if it is at least t, and 0
// otherwise, so that one call tells which of several thresholds a pair
// reaches.
func jaroWinklerFrom(a, b string, t float64) float64 {
	la, lb := min(len(a), 64), min(len(b), 64)
	if la == 0 || lb == 0 || a[:la] == b[:lb] {
		if v := jaroWinkler(a, b); v >= t {
			return v
		}
		return 0
	}
	var ca [32]int8
	for i := 0; i < la; i++ {
		ca[a[i]&31]++
	}
	m := 0
	for i := 0; i < lb; i++ {
		if c := b[i] & 31; ca[c] > 0 {
			ca[c]--
			m++
		}
	}
	if m == 0 {
		return 0
	}
	// The same expression as jaroWinkler with every letter shared
	// matched and none transposed, so the bound is never below the
	// value, rounding included.
	fm := float64(m)
	jaro := (fm/float64(la) + fm/float64(lb) + (fm-float64(0))/fm) / 3
	prefix := 0
	for prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix] {
		prefix++
	}
	if jaro+float64(prefix)*0.1*(1-jaro) < t {
		return 0
	}
	if v := jaroWinkler(a, b); v >= t {
		return v
	}
	return 0
}

// editDistance returns the optimal-string-alignment distance of two folded
// words (insertions, deletions, substitutions and exchanges of adjacent
// letters), or limit+1 when it exceeds limit. Jaro-Winkler misses typos in
// short names ("Ana"/"Aan" scores 0.56); an edit distance of one does not.
func editDistance(a, b string, limit int) int {
	la, lb := len(a), len(b)
	big := limit + 1
	if abs(la-lb) > limit {
		return big
	}
	if la > maxEditLen || lb > maxEditLen {
		if a == b {
			return 0
		}
		return big
	}
	// Only cells within limit of the diagonal can stay within limit; the
	// band keeps a comparison of two 30-letter names to a few dozen cells.
	var rows [3][maxEditLen + 2]int
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= lb; j++ {
		prev[j] = min(j, big)
	}
	prev[min(lb+1, maxEditLen+1)] = big
	for i := 1; i <= la; i++ {
		lo, hi := max(1, i-limit), min(lb, i+limit)
		rowMin := big
		if lo == 1 {
			cur[0] = min(i, big)
			rowMin = cur[0]
		} else {
			cur[lo-1] = big
		}
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = min(v, big)
			rowMin = min(rowMin, v)
		}
		cur[hi+1] = big
		if rowMin > limit {
			return big
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[lb], big)
}

// maxEditLen is the longest word editDistance compares letter by letter;
// longer ones (no name is) only agree when equal.
const maxEditLen = 48

// typoClose reports whether two words differ by what a tired officer's
// slip makes: Jaro-Winkler above threshold, one edit (two in long words),
// or one cut short ("Marí" for "María", "An" for "Ana").
func typoClose(a, b string, jw float64) bool {
	if jaroWinklerAtLeast(a, b, jw) {
		return true
	}
	short := min(len(a), len(b))
	limit := 1
	if short >= 7 {
		limit = 2
	}
	if short >= 3 && (limit == 1 && oneEdit(a, b) || limit > 1 && editDistance(a, b, limit) <= limit) {
		return true
	}
	if short >= 2 && len(a) != len(b) && max(len(a), len(b))-short <= 2 {
		if a[:short] == b[:short] {
			return true
		}
	}
	return false
}

// oneEdit reports whether a and b are at most one edit apart (as
// editDistance(a, b, 1) <= 1) in one pass: it runs for most pairs of
// differing given names, where the table of editDistance costs too much.
func oneEdit(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a)-len(b) > 1 {
		return false
	}
	i := 0
	for i < len(b) && a[i] == b[i] {
		i++
	}
	if i == len(b) {
		return true // equal, or one letter added at the end
	}
	if len(a) == len(b) {
		// A substitution, or two adjacent letters exchanged.
		if a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	}
	return a[i+1:] == b[i:] // one letter more in a
}
