package tracing

import (
	"context"
	"fmt"
	"testing"

	"github.com/amparo-project/amparo/internal/identity"
)

// TestPairScoreReadAcross: a record whose given name and surname were
// written the other way round ("Mendoza María") scores against a common
// "María Mendoza" with the names' frequencies of whichever record comes
// first; pairScore reads such a pair both ways and keeps the lesser, the
// same whichever way blocking met them, and leaves pairs of names as
// written as score has them.
func TestPairScoreReadAcross(t *testing.T) {
	var recs []Record
	for i := 0; i < 400; i++ {
		// Common names in their fields, nothing else said: namesakes.
		given := []string{"María", "Ana", "Rosa", "José"}[i%4]
		surname := []string{"Mendoza", "López", "Cruz", "Reyes", "Pérez"}[(i/4)%5]
		recs = append(recs, Record{ID: fmt.Sprint(i), Person: identity.Person{GivenNames: given, Surname1: surname}})
	}
	recs = append(recs, Record{ID: "swapped", Person: identity.Person{GivenNames: "Mendoza", Surname1: "María"}})
	fs, err := prepare(context.Background(), recs, 1)
	if err != nil {
		t.Fatal(err)
	}
	m := calibratedDefault(fs, len(fs)-1)
	normal, other, swapped := &fs[0], &fs[20], &fs[len(fs)-1] // María Mendoza twice, Mendoza María
	if !readAcross(swapped, normal) || !readAcross(normal, swapped) {
		t.Fatalf("Mendoza María against María Mendoza is not read across")
	}
	if readAcross(normal, other) {
		t.Errorf("María Mendoza against María Mendoza is read across")
	}
	ab, ba := m.score(swapped, normal), m.score(normal, swapped)
	if ab == ba {
		t.Errorf("score is symmetric on this pair (%.3f): the case no longer tests the order", ab)
	}
	t.Logf("Mendoza María against María Mendoza: %.2f bits, the other way %.2f", ab, ba)
	want := min(ab, ba)
	if got := pairScore(m, swapped, normal); got != want {
		t.Errorf("pairScore(swapped, normal) %.3f, want the lesser of %.3f and %.3f", got, ab, ba)
	}
	if got := pairScore(m, normal, swapped); got != want {
		t.Errorf("pairScore(normal, swapped) %.3f, want the lesser of %.3f and %.3f", got, ab, ba)
	}
	if got, want := pairScore(m, normal, other), m.score(normal, other); got != want {
		t.Errorf("pairScore of names as written %.3f, want score's %.3f", got, want)
	}
}
