package tracing

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

func TestDebugStages(t *testing.T) {
	f, err := os.Open("/work/shared/tracing/dev-dedupe/people.csv")
	if err != nil {
		t.Skip(err)
	}
	recs, err := ReadCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	fs, _ := prepare(context.Background(), recs, 2)
	fmt.Println("prepare", time.Since(t0))
	bl := buildBlocks(fs, 1000)
	fmt.Println("blocks", time.Since(t0), bl.groups(), bl.skipped)
	maxg := 0
	tot := 0
	for g := 0; g < bl.groups(); g++ {
		n := int(bl.gstart[g+1] - bl.gstart[g])
		maxg = max(maxg, n)
		tot += n * (n - 1) / 2
	}
	fmt.Println("max group", maxg, "pairs", tot)
	m := DefaultModel()
	n := trainModel(m, fs, func(fn func(a, b *features) bool) {
		sampleGroups(bl, emMaxPairs, func(i, j uint32) bool { return fn(&fs[i], &fs[j]) })
	})
	fmt.Println("train", time.Since(t0), n, m.Prior)
	for f := 0; f < nFields; f++ {
		fmt.Printf("%-14s", fieldSpecs[f].Name)
		for l, lv := range m.Fields[f].Levels {
			fmt.Printf(" %s=%.3f/%.4f(%.1f)", lv.Name, lv.M, lv.U, m.w[f][l])
		}
		fmt.Println()
	}
	edges, comps, _ := scoreGroups(context.Background(), bl, fs, m, (&Options{}).withDefaults())
	fmt.Println("score", time.Since(t0), comps, len(edges))
}

func TestDebugCompleteness(t *testing.T) {
	for _, d := range []string{"dev-dedupe", "dev-dedupe-hard"} {
		f, err := os.Open("/work/shared/tracing/" + d + "/people.csv")
		if err != nil {
			t.Skip(err)
		}
		recs, _ := ReadCSV(f)
		truth := readTruth(t, "/work/shared/tracing/"+d+"/truth.csv")
		fs, _ := prepare(context.Background(), recs, 2)
		bl := buildBlocks(fs, 1000)
		found := map[[2]uint32]bool{}
		for g := 0; g < bl.groups(); g++ {
			bl.forPairs(g, func(i, j uint32) { found[[2]uint32{min(i, j), max(i, j)}] = true })
		}
		byP := map[string][]uint32{}
		for i, r := range recs {
			byP[truth[r.ID]] = append(byP[truth[r.ID]], uint32(i))
		}
		tp, all := 0, 0
		shown := 0
		for _, ms := range byP {
			for x := range ms {
				for y := x + 1; y < len(ms); y++ {
					all++
					if found[[2]uint32{min(ms[x], ms[y]), max(ms[x], ms[y])}] {
						tp++
					} else if shown < 15 && d == "dev-dedupe-hard" {
						shown++
						fmt.Println("  MISS", recs[ms[x]], "\n      ", recs[ms[y]])
					}
				}
			}
		}
		fmt.Printf("%s: pairs=%d true=%d kept=%d completeness=%.4f\n", d, len(found), all, tp, float64(tp)/float64(all))
	}
}
