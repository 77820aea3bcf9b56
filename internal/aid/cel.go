package aid

import (
	"fmt"
	"reflect"
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
// its line and column.
func compileRule(rule string, known map[string]bool) (*cel.Ast, string) {
	checked, iss := compileEnv.Compile(rule)
	if iss != nil && iss.Err() != nil {
		e := iss.Errors()[0]
		return nil, fmt.Sprintf("line %d, column %d: %s", e.Location.Line(), e.Location.Column()+1, e.Message)
	}
	if checked.OutputType() != cel.BoolType {
		return nil, fmt.Sprintf("line 1, column 1: the rule must answer true or false, not %s", checked.OutputType())
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
			problems = append(problems, at+fn+"() takes a quoted name, not an expression")
			return
		}
		code, _ := arg.AsLiteral().Value().(string)
		if fn == "series" && !known[code] {
			problems = append(problems, at+fmt.Sprintf("unknown series %q (no indicator of that code has values; known: %s)", code, knownList(known)))
		}
	}))
	if len(problems) > 0 {
		return nil, problems[0]
	}
	return checked, ""
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
