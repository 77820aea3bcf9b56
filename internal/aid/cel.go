package aid

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// Rules are Common Expression Language (CEL) expressions that answer true
// (met) or false (not met) from the recipient country's indicator series
// and the facts on record:
//
//	series("homicide_rate").latest()           latest value whose period ended before the as-of date
//	series("homicide_rate").at(2014)           the value for 2014 (or FY2014 when the series is fiscal)
//	series("homicide_rate").after(2014)        latest value for a year after 2014 (none yet: insufficient evidence)
//	series("homicide_rate").slope(2014, 2018)  least-squares change per year over those years
//	series("wgi_cc").peer_percentile(2015)     percentile among the countries of the same income group
//	fact("cicig_operating")                    a fact on record holds on the as-of date
//
// A value that is not there (no such year, a period not ended, no fact on
// record) makes the condition insufficient_evidence, never met or not met.

// seriesType is the type of series("code") in rules.
var seriesType = cel.OpaqueType("amparo.aid.Series")

// seriesVal is series("code") while a rule runs: the code and the
// resolver that answers its calls.
type seriesVal struct {
	code string
	r    resolver
}

func (v seriesVal) ConvertToNative(reflect.Type) (any, error) {
	return nil, fmt.Errorf("a series has no native value")
}
func (v seriesVal) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return seriesType
	}
	return types.NewErr("a series converts to no other type")
}
func (v seriesVal) Equal(o ref.Val) ref.Val {
	ov, ok := o.(seriesVal)
	return types.Bool(ok && ov.code == v.code)
}
func (v seriesVal) Type() ref.Type { return seriesType }
func (v seriesVal) Value() any     { return v.code }

// resolver answers a rule's calls: live from the indicators and facts (and
// records what it used), or from a frozen snapshot.
type resolver interface {
	// call returns the value of one call, named canonically (see callKey).
	call(key callKey) (*Input, error)
}

// callKey names one call a rule makes, e.g. {"at", "homicide_rate", 2014}.
type callKey struct {
	Fn   string
	Code string
	A, B int64
}

func (k callKey) String() string {
	switch k.Fn {
	case "latest":
		return fmt.Sprintf("series(%q).latest()", k.Code)
	case "at", "after", "peer_percentile":
		return fmt.Sprintf("series(%q).%s(%d)", k.Code, k.Fn, k.A)
	case "slope":
		return fmt.Sprintf("series(%q).slope(%d, %d)", k.Code, k.A, k.B)
	}
	return fmt.Sprintf("fact(%q)", k.Code)
}

// insufficient marks a call's missing value: the condition is then
// insufficient_evidence, with this reason.
const insufficientPrefix = "insufficient evidence: "

func valOf(r resolver, k callKey) ref.Val {
	in, err := r.call(k)
	if err != nil {
		return types.NewErr("%s", err.Error())
	}
	if in.Missing != "" {
		return types.NewErr("%s%s: %s", insufficientPrefix, k, in.Missing)
	}
	if k.Fn == "fact" {
		return types.Bool(in.Holds != nil && *in.Holds)
	}
	return types.Double(*in.Value)
}

// newEnv declares the rule language; the bindings answer through r (nil
// when the environment only compiles).
func newEnv(r resolver) (*cel.Env, error) {
	ser := func(f func(seriesVal) ref.Val) func(ref.Val) ref.Val {
		return func(v ref.Val) ref.Val {
			sv, ok := v.(seriesVal)
			if !ok {
				return types.NewErr("not a series")
			}
			return f(sv)
		}
	}
	return cel.NewEnv(
		cel.Function("series", cel.Overload("series_string", []*cel.Type{cel.StringType}, seriesType,
			cel.UnaryBinding(func(v ref.Val) ref.Val { return seriesVal{code: string(v.(types.String)), r: r} }))),
		cel.Function("latest", cel.MemberOverload("series_latest", []*cel.Type{seriesType}, cel.DoubleType,
			cel.UnaryBinding(ser(func(s seriesVal) ref.Val { return valOf(s.r, callKey{Fn: "latest", Code: s.code}) })))),
		cel.Function("at", cel.MemberOverload("series_at_int", []*cel.Type{seriesType, cel.IntType}, cel.DoubleType,
			cel.BinaryBinding(func(a, b ref.Val) ref.Val {
				s := a.(seriesVal)
				return valOf(s.r, callKey{Fn: "at", Code: s.code, A: int64(b.(types.Int))})
			}))),
		cel.Function("after", cel.MemberOverload("series_after_int", []*cel.Type{seriesType, cel.IntType}, cel.DoubleType,
			cel.BinaryBinding(func(a, b ref.Val) ref.Val {
				s := a.(seriesVal)
				return valOf(s.r, callKey{Fn: "after", Code: s.code, A: int64(b.(types.Int))})
			}))),
		cel.Function("peer_percentile", cel.MemberOverload("series_peer_percentile_int", []*cel.Type{seriesType, cel.IntType}, cel.DoubleType,
			cel.BinaryBinding(func(a, b ref.Val) ref.Val {
				s := a.(seriesVal)
				return valOf(s.r, callKey{Fn: "peer_percentile", Code: s.code, A: int64(b.(types.Int))})
			}))),
		cel.Function("slope", cel.MemberOverload("series_slope_int_int", []*cel.Type{seriesType, cel.IntType, cel.IntType}, cel.DoubleType,
			cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				s := args[0].(seriesVal)
				return valOf(s.r, callKey{Fn: "slope", Code: s.code, A: int64(args[1].(types.Int)), B: int64(args[2].(types.Int))})
			}))),
		cel.Function("fact", cel.Overload("fact_string", []*cel.Type{cel.StringType}, cel.BoolType,
			cel.UnaryBinding(func(v ref.Val) ref.Val { return valOf(r, callKey{Fn: "fact", Code: string(v.(types.String))}) }))),
	)
}

var compileEnv = func() *cel.Env {
	env, err := newEnv(nil)
	if err != nil {
		panic("aid: rule language: " + err.Error())
	}
	return env
}()

// compileRule checks a rule: it must parse, type-check to a bool, and name
// with series("...") and fact("...") only string literals, each series one
// in known. problem is "" when the rule is good, else the first error with
// its line and column, in one of the ruleProblem formats.
func compileRule(rule string, known map[string]bool) (*cel.Ast, string) {
	checked, iss := compileEnv.Compile(rule)
	if iss != nil && iss.Err() != nil {
		e := iss.Errors()[0]
		return nil, fmt.Sprintf("line %d, column %d: %s", e.Location.Line(), e.Location.Column()+1, celProblem(e.Message))
	}
	if checked.OutputType() != cel.BoolType {
		return nil, "line 1, column 1: " + fmt.Sprintf(ruleNotBool, celTypeName(checked.OutputType().String()))
	}
	native := checked.NativeRep()
	info := native.SourceInfo()
	var problems []string
	ast.PreOrderVisit(ast.NavigateAST(native), ast.NewExprVisitor(func(e ast.Expr) {
		if e.Kind() != ast.CallKind {
			return
		}
		call := e.AsCall()
		fn := call.FunctionName()
		if (fn != "series" && fn != "fact") || len(call.Args()) != 1 {
			return
		}
		arg := call.Args()[0]
		loc := info.GetStartLocation(arg.ID())
		at := fmt.Sprintf("line %d, column %d: ", loc.Line(), loc.Column()+1)
		if arg.Kind() != ast.LiteralKind {
			problems = append(problems, at+fmt.Sprintf(ruleQuotedName, fn))
			return
		}
		code, _ := arg.AsLiteral().Value().(string)
		if fn == "series" && !known[code] {
			problems = append(problems, at+fmt.Sprintf(ruleUnknownSeries, code, knownList(known)))
		}
	}))
	if len(problems) > 0 {
		return nil, problems[0]
	}
	return checked, ""
}

// What compileRule says is wrong with a rule. Each is a format the web
// layer has words for in English and Spanish (a key aid.msg.* whose
// English text is the format), so that a refused rule is explained in the
// page's language; CEL's own messages are English and are turned into one
// of these by celProblems.
const (
	ruleNotBool       = "the rule must answer true or false, not %s"
	ruleQuotedName    = "%s() takes a quoted name, not an expression"
	ruleUnknownSeries = "unknown series %q (no indicator of that code has values; known: %s)"
	ruleEndsEarly     = "the rule ends too early: a value, a closing bracket or a quote is missing"
	ruleMissingAtEnd  = "%q is missing at the end of the rule"
	ruleMissing       = "%q is missing before %q"
	ruleAfterEnd      = "%q comes after a complete rule: conditions are joined with && (and) or || (or)"
	ruleUnexpected    = "%q is not expected here"
	ruleBadCharacter  = "%q is not part of the rule language (comparisons: < <= > >= == !=; text between double quotes)"
	ruleUnknownName   = "unknown name %q: a series is named series(\"code\") and a fact fact(\"key\")"
	ruleUnknownMeant  = "unknown name %q (did you mean %q?)"
	ruleOperatorTypes = "%s cannot be applied to %s"
	ruleCallArgs      = "%s() cannot be given %s"
	ruleNoFields      = "a series has no fields: use one of its functions, such as .latest() or .at(2014)"
	ruleBadNumber     = "a number is too large or not written as a number"
	ruleSyntax        = "the rule cannot be read from here (a syntax error)"
	ruleNotSupported  = "this is not part of the rule language: %s"
)

// celProblems turns a message of the CEL parser or type checker into a
// rule problem: the pattern and the format its submatches fill, in order.
// The first pattern that matches wins; a message none matches is
// ruleNotSupported with CEL's words. One test per row: TestCelProblems.
var celProblems = []struct {
	re     *regexp.Regexp
	format string
}{
	{regexp.MustCompile(`^Syntax error: (?:mismatched|extraneous) input '<EOF>' expecting`), ruleEndsEarly},
	{regexp.MustCompile(`^Syntax error: missing '(.*)' at '<EOF>'$`), ruleMissingAtEnd},
	{regexp.MustCompile(`^Syntax error: missing '(.*)' at '(.*)'$`), ruleMissing},
	{regexp.MustCompile(`^Syntax error: (?:mismatched|extraneous) input '(.*)' expecting <EOF>$`), ruleAfterEnd},
	{regexp.MustCompile(`^Syntax error: (?:mismatched|extraneous) input '(.*)' expecting`), ruleUnexpected},
	{regexp.MustCompile(`^Syntax error: no viable alternative at input '(.*)'$`), ruleUnexpected},
	{regexp.MustCompile(`^Syntax error: token recognition error at: '(.*)'$`), ruleBadCharacter},
	{regexp.MustCompile(`^Syntax error: invalid (?:int|uint|double) literal$`), ruleBadNumber},
	{regexp.MustCompile(`^invalid (?:int|uint|double) literal$`), ruleBadNumber},
	{regexp.MustCompile(`^Syntax error: `), ruleSyntax},
	{regexp.MustCompile(`^undeclared reference to '([^']*)' \(did you mean '([^']*)'\?\)`), ruleUnknownMeant},
	{regexp.MustCompile(`^undeclared reference to '([^']*)'`), ruleUnknownName},
	{regexp.MustCompile(`^found no matching overload for '([^']*)' applied to '(?:amparo\.aid\.Series\.)?\((.*)\)'$`), ""}, // ruleOperatorTypes or ruleCallArgs
	{regexp.MustCompile(`^type 'amparo\.aid\.Series' does not support field selection$`), ruleNoFields},
}

// celProblem is CEL's message msg as a rule problem.
func celProblem(msg string) string {
	for _, p := range celProblems {
		m := p.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		if p.format == "" { // no matching overload: an operator, or a function
			name, args := m[1], celTypeName(m[2])
			if op, ok := celOperators[name]; ok {
				return fmt.Sprintf(ruleOperatorTypes, op, "("+args+")")
			}
			if strings.HasPrefix(msg, "found no matching overload for '"+name+"' applied to 'amparo.aid.Series.") {
				name = "." + name
			}
			return fmt.Sprintf(ruleCallArgs, name, "("+args+")")
		}
		args := make([]any, 0, len(m)-1)
		for _, a := range m[1:] {
			args = append(args, a)
		}
		if len(args) == 0 {
			return p.format
		}
		return fmt.Sprintf(p.format, args...)
	}
	return fmt.Sprintf(ruleNotSupported, msg)
}

// celOperators are CEL's internal names of the operators a rule writes.
var celOperators = map[string]string{
	"_<_": "<", "_<=_": "<=", "_>_": ">", "_>=_": ">=", "_==_": "==", "_!=_": "!=",
	"_&&_": "&&", "_||_": "||", "!_": "!", "-_": "-", "_+_": "+", "_-_": "-", "_*_": "*", "_/_": "/", "_%_": "%",
	"_?_:_": "?:", "_[_]": "[]", "@in": "in",
}

// celTypeName writes CEL's type names as a rule's author reads them: a
// series is series(...), the rest (double, int, string, bool) as CEL
// names them.
func celTypeName(s string) string {
	return strings.ReplaceAll(s, "amparo.aid.Series", "series")
}

func knownList(known map[string]bool) string {
	list := make([]string, 0, len(known))
	for k := range known {
		list = append(list, k)
	}
	sort.Strings(list)
	if len(list) > 12 {
		list = append(list[:12], "...")
	}
	return strings.Join(list, ", ")
}

// runRule evaluates a rule (already checked when it was saved) through r:
// met or not_met from its answer, insufficient_evidence when a value it
// needs is missing (missingCall names the call that lacked it). The
// message says which.
func runRule(rule string, r resolver) (status string, m *Msg, missingCall string) {
	env, err := newEnv(r)
	if err != nil {
		return Insufficient, msg("aid.x.env_failed", err.Error()), ""
	}
	checked, iss := env.Compile(rule)
	if iss != nil && iss.Err() != nil {
		return Insufficient, msg("aid.x.no_compile", iss.Err().Error()), ""
	}
	prg, err := env.Program(checked)
	if err != nil {
		return Insufficient, msg("aid.x.not_prepared", err.Error()), ""
	}
	out, _, err := prg.Eval(cel.NoVars())
	if err != nil {
		text := err.Error()
		if i := strings.Index(text, insufficientPrefix); i >= 0 {
			rest := text[i+len(insufficientPrefix):]
			call, _, _ := strings.Cut(rest, ": ")
			return Insufficient, msg("aid.x.insufficient").with(msg("aid.x.raw", rest)), call
		}
		return Insufficient, msg("aid.x.failed", text), ""
	}
	b, ok := out.Value().(bool)
	if !ok {
		return Insufficient, msg("aid.x.not_bool", out.Value()), ""
	}
	if b {
		return Met, msg("aid.x.holds", rule), ""
	}
	return NotMet, msg("aid.x.not_holds", rule), ""
}
