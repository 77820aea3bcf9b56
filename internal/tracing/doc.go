// Package tracing is Amparo's record-linkage engine: it finds the records
// of one child among many (Dedupe), the children on record who may be the
// child a relative asks about (Link), and answers single searches against
// an in-memory Index, each match with the weight every field contributed.
//
// # How names are compared
//
// Every record is prepared once (features.go): names folded (accents and
// case removed with golang.org/x/text), compound surnames kept fused and
// cut ("De la Cruz", "Delacruz", "Cruz"), nicknames resolved with the table
// in data/nicknames.csv (Pepe, Chepe = José; Paco, Pancho = Francisco; ...),
// a Spanish phonetic key from the rules in data/phonetic.csv (b/v, s/z/c,
// y/ll, g/j, silent h, Mayan x = sh), dates parsed to what is known of them.
// Sources of the data files are in data/SOURCES.md.
//
// A pair of records is compared field by field into levels of agreement
// (compare.go): exact, folded, nickname, phonetic, one name missing,
// Jaro-Winkler or one edit away (also from a nickname or the full name:
// "Chepr" for Chepe = José), initial only, disagree, missing; for
// dates exact, day and month swapped, year only, a year off, same day and
// month, within a year. Each pair is read as written, with surnames
// crossed, and with given name and first surname exchanged, and the best
// reading counts.
//
// # The model
//
// A Fellegi-Sunter model with a third class (model.go): beside matches (m)
// and unrelated people (u), siblings (f), who agree on surnames, parents
// and birthplace as much as the records of one child do. Against siblings
// only given names, birth date and sex tell; against unrelated people
// everything does. u starts from random pairs, m and u are fitted by
// expectation-maximisation on the candidate pairs, the family class takes
// m for the family fields, and the shares of the three classes are fitted
// last. m of given names and birth date are held at hand-set values (how
// officers vary them) so that EM's match class stays "same person" and
// does not become "same family". Name frequencies lower the weight of
// agreeing on common names (García) and raise it for rare ones (Xiloj).
//
// The fitted model is then made one for any pair of records, not only for
// candidate pairs (Model.Population): u goes back to its values from
// random pairs and the shares of matches and siblings become shares among
// all pairs. Fitted on candidates alone, the model was overconfident:
// blocking brings together records that agree on names, so a sparse
// record with nothing but a common name came out a "certain" match of
// every namesake (on the hard development set, pairs it gave 0.8 were one
// person one time in six). Made for all pairs, it is calibrated (pairs it
// gives 0.8 are one person about seven times in ten), and F1 rose by two
// points on every development set. Models are saved as JSON
// (Model.WriteJSON, ReadModel); ForPopulation adapts one to a set of
// another size.
//
// A record without a second surname but with its mother's full name gets
// the second surname the naming custom gives it (the mother's first, or
// her second for a single mother's child, who carries both of hers); it
// counts only when it agrees with the other record's.
//
// # Blocking and clustering
//
// Candidate pairs come from sixteen blocking rules (block.go), each
// tolerant of a different kind of variation (the two loosest, for typos
// when no full date is shared, key a name with two letters, or all letters
// but the first or second, of the other, and the initials with the year;
// the groups of the loosest rules are capped lower than the others', see
// ruleBlockCap); a pair sharing several keys is compared once. Dedupe
// joins pairs above the threshold strongest first, and joins two clusters
// only if their records match on average
// (average linkage), so one record resembling two siblings does not chain
// them together.
//
// # Figures (development sets in ../shared/tracing, 2-core machine)
//
// See TestQualityDevSets and the benchmarks in bench_test.go; the figures
// reached are recorded in qualityFloor.
package tracing
