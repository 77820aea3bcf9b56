package aid

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Explanations are stored in English and, beside the English, as message
// keys with their arguments, so that a page shows them in its own
// language. A message may hold one inner message (In), which fills its
// last %s; an argument written "@key" is itself a message key (a status,
// a word), translated where it is shown.

// Msg is one message of an explanation.
type Msg struct {
	Key  string   `json:"key"`
	Args []string `json:"args,omitempty"`
	In   *Msg     `json:"in,omitempty"`
}

// ExplanationMessages is every key an explanation uses, with its English
// text (verbs are %s only). The web's message files hold each key in
// English, the same text, and Spanish (TestExplanationKeysTranslated).
var ExplanationMessages = map[string]string{
	// A condition's result.
	"aid.x.no_rule":      "no machine rule: this condition awaits evidence on record",
	"aid.x.env_failed":   "the rule language could not start: %s",
	"aid.x.no_compile":   "the rule no longer compiles: %s",
	"aid.x.not_prepared": "the rule could not be prepared: %s",
	"aid.x.failed":       "the rule failed: %s",
	"aid.x.not_bool":     "the rule answered %s, not true or false",
	"aid.x.holds":        "the rule holds: %s",
	"aid.x.not_holds":    "the rule does not hold: %s",
	"aid.x.insufficient": "insufficient evidence: %s",
	// The values a rule used.
	"aid.x.input.missing":    "%s: %s",
	"aid.x.input.value":      "%s = %s",
	"aid.x.input.value_note": "%s = %s (%s)",
	"aid.x.input.call":       "%s",
	"aid.x.true":             "true",
	"aid.x.false":            "false",
	"aid.x.note.value":       "%s %s, source %s",
	"aid.x.note.trend":       "per year, over %s values %s-%s",
	"aid.x.note.peers":       "among %s countries of the group %s in %s",
	// Why a value is missing.
	"aid.x.missing.frozen":          "not in the evaluation's frozen inputs",
	"aid.x.missing.no_values":       "no %s values for %s",
	"aid.x.missing.none_before":     "no %s value for %s whose period ended before %s",
	"aid.x.missing.none_in":         "no %s value for %s in %s known before %s",
	"aid.x.missing.none_after":      "no %s value for %s after %s known before %s",
	"aid.x.missing.trend":           "%s %s values for %s in %s-%s known before %s; a trend needs %s",
	"aid.x.missing.not_ended":       "%s had not ended by %s",
	"aid.x.missing.no_income_group": "no income group for %s in or before %s",
	"aid.x.missing.no_value_year":   "no %s value for %s in %s",
	"aid.x.missing.few_peers":       "only %s countries of the group %s have a %s value for %s; a percentile needs %s",
	"aid.x.missing.no_fact":         "no fact %s on record for %s on %s",
	// A tranche's evaluation.
	"aid.x.evaluation":                 "%s as of %s: %s met, %s not met, %s insufficient evidence (%s of %s conditions, %s hard hurdles)",
	"aid.x.evaluation_at_least":        "%s as of %s: %s met, %s not met, %s insufficient evidence (at least %s of %s conditions, %s hard hurdles)",
	"aid.x.hard_failed":                "a hard hurdle is not met",
	"aid.x.how.all":                    "all",
	"aid.x.how.any":                    "any",
	"aid.status.met":                   "met",
	"aid.status.not_met":               "not met",
	"aid.status.insufficient_evidence": "insufficient evidence",
	// Text kept as it was (explanations stored before messages were).
	"aid.x.raw": "%s",
}

// msg makes a message; each arg is written with %v (a number in the
// English form, which Spanish pages keep: a value is data, not prose).
func msg(key string, args ...any) *Msg {
	m := &Msg{Key: key}
	for _, a := range args {
		m.Args = append(m.Args, fmt.Sprint(a))
	}
	return m
}

// with sets m's inner message and returns m.
func (m *Msg) with(in *Msg) *Msg {
	m.In = in
	return m
}

// valueArgs names, by key, the arguments that are a value a rule used
// (stored with strconv's 'g' form, 6 digits: "6.91006e+06"): a page
// writes them in its own number convention (RenderNumbers); the stored
// text keeps the machine form.
var valueArgs = map[string]int{"aid.x.input.value": 1, "aid.x.input.value_note": 1}

// Render writes m with lookup giving each key's text in a language
// (English: ExplanationMessages).
func (m Msg) Render(lookup func(key string) string) string { return m.render(lookup, nil) }

// RenderNumbers is Render with each value argument written by num.
func (m Msg) RenderNumbers(lookup func(key string) string, num func(value string) string) string {
	return m.render(lookup, num)
}

func (m Msg) render(lookup func(key string) string, num func(string) string) string {
	args := make([]any, 0, len(m.Args)+1)
	vi, hasValue := valueArgs[m.Key]
	for i, a := range m.Args {
		switch {
		case strings.HasPrefix(a, "@"):
			a = lookup(a[1:])
		case num != nil && hasValue && i == vi:
			a = num(a)
		}
		args = append(args, a)
	}
	if m.In != nil {
		args = append(args, m.In.render(lookup, num))
	}
	return fmt.Sprintf(lookup(m.Key), args...)
}

func english(key string) string {
	if t, ok := ExplanationMessages[key]; ok {
		return t
	}
	return key
}

// English is m in English.
func (m Msg) English() string { return m.Render(english) }

// RenderAll writes an explanation's messages, joined by "; ".
func RenderAll(ms []Msg, lookup func(key string) string) string {
	return RenderAllNumbers(ms, lookup, nil)
}

// RenderAllNumbers is RenderAll with each value argument written by num.
func RenderAllNumbers(ms []Msg, lookup func(key string) string, num func(value string) string) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.render(lookup, num)
	}
	return strings.Join(parts, "; ")
}

// missingIn is an input whose value is missing, for the reason m.
func missingIn(m *Msg) *Input {
	return &Input{Missing: m.English(), MissingMsg: m}
}

// setMissing records why in has no value.
func (in *Input) setMissing(m *Msg) {
	in.Missing, in.MissingMsg = m.English(), m
}

// setNote records what in's value is.
func (in *Input) setNote(m *Msg) {
	in.Note, in.NoteMsg = m.English(), m
}

// msgsJSON is how messages are stored.
func msgsJSON(ms []Msg) string {
	b, _ := json.Marshal(ms) // a Msg holds strings only: it always encodes
	return string(b)
}

// parseMsgs reads stored messages; ” (stored before messages were) is
// none.
func parseMsgs(s string) ([]Msg, error) {
	out := []Msg{}
	if s == "" {
		return out, nil
	}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("explanation messages: %w", err)
	}
	return out, nil
}
