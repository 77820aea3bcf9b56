package aid

import (
	"strings"
	"testing"
)

// TestCelProblems: one rule per row of celProblems (and per problem
// compileRule finds itself), each answered in the row's format with the
// position and the values CEL reported; a message no row knows keeps
// CEL's words in ruleNotSupported.
func TestCelProblems(t *testing.T) {
	known := map[string]bool{"homicide_rate": true}
	hr := `series("homicide_rate")`
	for _, c := range []struct{ rule, want string }{
		{hr + `.latest() <`, "line 1, column 35: " + ruleEndsEarly},
		{`(` + hr + `.latest() < 1.0`, `line 1, column 40: ")" is missing at the end of the rule`},
		{hr + `.latest() < 1.0)`, `line 1, column 39: ")" comes after a complete rule`},
		{hr + `.latest() < .`, `line 1, column 37: "." is not expected here`},
		{hr + `.latest() =< 1.0`, `line 1, column 34: "=<" is not part of the rule language`},
		{hr + `.latest() < 99999999999999999999`, "line 1, column 36: " + ruleBadNumber},
		{`foo < 1.0`, `line 1, column 1: unknown name "foo": a series is named`},
		{hr + `.lates() < 1.0`, `line 1, column 30: unknown name "lates" (did you mean "latest"?)`},
		{hr + `.latest() < "a"`, `line 1, column 34: < cannot be applied to (double, string)`},
		{hr + `.at("2014") < 1.0`, `line 1, column 27: .at() cannot be given (string)`},
		{`series(1) < 1.0`, `line 1, column 7: series() cannot be given (int)`},
		{`!` + hr, `line 1, column 1: ! cannot be applied to (series)`},
		{hr + `.value < 1.0`, "line 1, column 24: " + ruleNoFields},
		{hr + `.latest()`, "line 1, column 1: the rule must answer true or false, not double"},
		{`series("murder_rate").latest() < 1.0`, `line 1, column 8: unknown series "murder_rate" (no indicator of that code has values; known: homicide_rate)`},
		{`series("homicide" + "_rate").latest() < 1.0`, "line 1, column 19: series() takes a quoted name, not an expression"},
		{`has(x)`, "line 1, column 5: this is not part of the rule language: invalid argument to has() macro"},
	} {
		_, got := compileRule(c.rule, known)
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("%s\n got %q\nwant %q...", c.rule, got, c.want)
		}
	}
	for _, msg := range []string{"Syntax error: something new", "Syntax error: missing ';' at 'x'"} {
		if got := celProblem(msg); strings.Contains(got, "Syntax error") {
			t.Errorf("celProblem(%q) = %q: CEL's words kept", msg, got)
		}
	}
}
