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
