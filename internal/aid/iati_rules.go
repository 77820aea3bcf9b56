package aid

import (
	"fmt"
	"regexp"
	"strings"
)

// What the IATI 2.03 schema (iati-activities-schema.xsd, iati-common.xsd)
// requires of the parts of an activity Amparo reads, as a table: how many
// of each child, which attributes are required, which are booleans, dates
// or decimals, and whether text is allowed. An element not in the table
// is not checked: it is kept and written back as read. Order inside an
// xsd:sequence is not checked (a missing or doubled element is).
//
// Keys are "parent/child"; the activity's own children are under
// "iati-activity/".

type iatiShape struct {
	kids     map[string][2]int // child → min, max (-1: unbounded)
	required []string          // attributes that must be there
	types    map[string]string // attribute → "boolean", "date", "dateTime", "decimal", "positiveInteger", "int"
	content  string            // "": element-only (no text), "text", "decimal"
}

const many = -1

// textRequired is IATI's textRequiredType: at least one <narrative>.
var textRequired = iatiShape{kids: map[string][2]int{"narrative": {1, many}}}

var dateOnly = map[string]string{"iso-date": "date"}

var iatiRoot = iatiShape{required: []string{"version"}, types: map[string]string{"generated-datetime": "dateTime"}}

var iatiShapes = map[string]iatiShape{
	"iati-activities/iati-activity": {
		kids: map[string][2]int{
			"iati-identifier": {1, 1}, "reporting-org": {1, 1}, "title": {1, 1}, "description": {1, many},
			"participating-org": {1, many}, "activity-status": {1, 1}, "activity-date": {1, many},
			"activity-scope": {0, 1}, "country-budget-items": {0, 1}, "collaboration-type": {0, 1},
			"default-flow-type": {0, 1}, "default-finance-type": {0, 1}, "default-tied-status": {0, 1},
			"capital-spend": {0, 1}, "conditions": {0, 1}, "crs-add": {0, 1}, "fss": {0, 1},
		},
		types: map[string]string{"last-updated-datetime": "dateTime", "humanitarian": "boolean", "hierarchy": "int"},
	},
	"iati-activity/iati-identifier": {content: "text"},
	"iati-activity/reporting-org": {kids: map[string][2]int{"narrative": {1, many}}, required: []string{"ref", "type"},
		types: map[string]string{"secondary-reporter": "boolean"}},
	"iati-activity/title":                textRequired,
	"iati-activity/description":          textRequired,
	"iati-activity/participating-org":    {required: []string{"role"}},
	"iati-activity/activity-status":      {required: []string{"code"}},
	"iati-activity/activity-date":        {required: []string{"type", "iso-date"}, types: dateOnly},
	"iati-activity/recipient-country":    {required: []string{"code"}, types: map[string]string{"percentage": "decimal"}},
	"iati-activity/country-budget-items": {kids: map[string][2]int{"budget-item": {1, many}}, required: []string{"vocabulary"}},
	"country-budget-items/budget-item": {kids: map[string][2]int{"description": {0, 1}}, required: []string{"code"},
		types: map[string]string{"percentage": "decimal"}},
	"budget-item/description": textRequired,

	"iati-activity/budget": {kids: map[string][2]int{"period-start": {1, 1}, "period-end": {1, 1}, "value": {1, 1}}},
	"budget/period-start":  {required: []string{"iso-date"}, types: dateOnly},
	"budget/period-end":    {required: []string{"iso-date"}, types: dateOnly},
	"budget/value":         {required: []string{"value-date"}, types: map[string]string{"value-date": "date"}, content: "decimal"},
	"iati-activity/transaction": {
		kids: map[string][2]int{"transaction-type": {1, 1}, "transaction-date": {1, 1}, "value": {1, 1}, "description": {0, 1},
			"provider-org": {0, 1}, "receiver-org": {0, 1}, "disbursement-channel": {0, 1}, "recipient-country": {0, 1},
			"recipient-region": {0, 1}, "flow-type": {0, 1}, "finance-type": {0, 1}, "tied-status": {0, 1}},
		types: map[string]string{"humanitarian": "boolean"},
	},
	"transaction/transaction-type":  {required: []string{"code"}},
	"transaction/transaction-date":  {required: []string{"iso-date"}, types: dateOnly},
	"transaction/value":             {required: []string{"value-date"}, types: map[string]string{"value-date": "date"}, content: "decimal"},
	"transaction/description":       textRequired,
	"transaction/sector":            {required: []string{"code"}},
	"transaction/recipient-country": {required: []string{"code"}},
	"transaction/recipient-region":  {required: []string{"code"}},

	"iati-activity/conditions": {required: []string{"attached"}, types: map[string]string{"attached": "boolean"}},
	"conditions/condition":     {kids: map[string][2]int{"narrative": {1, many}}, required: []string{"type"}},

	"iati-activity/result": {kids: map[string][2]int{"title": {1, 1}, "description": {0, 1}, "indicator": {1, many}},
		required: []string{"type"}, types: map[string]string{"aggregation-status": "boolean"}},
	"result/title":       textRequired,
	"result/description": textRequired,
	"result/indicator": {kids: map[string][2]int{"title": {1, 1}, "description": {0, 1}}, required: []string{"measure"},
		types: map[string]string{"ascending": "boolean", "aggregation-status": "boolean"}},
	"indicator/title":       textRequired,
	"indicator/description": textRequired,
	"indicator/baseline": {kids: map[string][2]int{"comment": {0, 1}}, required: []string{"year"},
		types: map[string]string{"year": "positiveInteger", "iso-date": "date"}},
	"indicator/period":    {kids: map[string][2]int{"period-start": {1, 1}, "period-end": {1, 1}}},
	"period/period-start": {required: []string{"iso-date"}, types: dateOnly},
	"period/period-end":   {required: []string{"iso-date"}, types: dateOnly},
	"period/target":       {kids: map[string][2]int{"comment": {0, 1}}},
	"period/actual":       {kids: map[string][2]int{"comment": {0, 1}}},
	"baseline/comment":    textRequired,
	"target/comment":      textRequired,
	"actual/comment":      textRequired,
	"narrative/":          {content: "text"},
}

// XML Schema's lexical forms for the simple types checked.
var xsdForms = map[string]*regexp.Regexp{
	"boolean":         regexp.MustCompile(`^(true|false|1|0)$`),
	"date":            regexp.MustCompile(`^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(Z|[+-]\d{2}:\d{2})?$`),
	"dateTime":        regexp.MustCompile(`^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]\d{2}:\d{2})?$`),
	"decimal":         regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)$`),
	"positiveInteger": regexp.MustCompile(`^\+?0*[1-9]\d*$`),
	"int":             regexp.MustCompile(`^[+-]?\d{1,10}$`),
}

// xsdValid says whether v (whitespace collapsed, as the schema does) is of
// type typ.
func xsdValid(typ, v string) bool {
	return xsdForms[typ].MatchString(strings.TrimSpace(v))
}

// checkIATI checks n (an <iati-activity>, or any element under it) and
// its descendants against the table; parent is the name of n's parent.
func checkIATI(parent string, n *xnode) error {
	sh, known := iatiShapes[parent+"/"+n.name]
	if n.name == "narrative" {
		sh, known = iatiShapes["narrative/"], true
	}
	if known {
		if err := checkShape(n, sh); err != nil {
			return err
		}
	}
	for _, k := range n.kids() {
		if err := checkIATI(n.name, k); err != nil {
			return err
		}
	}
	return nil
}

func checkShape(n *xnode, sh iatiShape) error {
	if err := checkAttrs(n, sh); err != nil {
		return err
	}
	counts := map[string]int{}
	for _, k := range n.kids() {
		counts[k.name]++
		if lim, ok := sh.kids[k.name]; ok && lim[1] != many && counts[k.name] > lim[1] {
			return &IATIError{Line: k.line, Element: k.name, Problem: fmt.Sprintf("<%s> may hold at most %d <%s>", n.name, lim[1], k.name)}
		}
	}
	for _, name := range sortedKeys(sh.kids) {
		if counts[name] < sh.kids[name][0] {
			return &IATIError{Line: n.line, Element: n.name, Problem: fmt.Sprintf("a required <%s> is missing", name)}
		}
	}
	text := n.text()
	switch sh.content {
	case "":
		if strings.TrimSpace(text) != "" {
			return &IATIError{Line: n.line, Element: n.name, Problem: "text is not allowed in this element (its content is elements only)"}
		}
	case "decimal":
		if !xsdValid("decimal", text) {
			return &IATIError{Line: n.line, Element: n.name, Problem: fmt.Sprintf("%q is not a decimal number", text)}
		}
	}
	// The identifier is indexed: PostgreSQL refuses an index entry over
	// 2704 bytes (a 500); a real one is an organisation's reference and
	// its own code, far shorter.
	if n.name == "iati-identifier" && len(strings.TrimSpace(text)) > maxIATIIdentifier {
		return &IATIError{Line: n.line, Element: n.name, Problem: fmt.Sprintf("longer than %d characters", maxIATIIdentifier)}
	}
	return nil
}

// maxIATIIdentifier bounds an activity's <iati-identifier>.
const maxIATIIdentifier = 500

func checkAttrs(n *xnode, sh iatiShape) error {
	for _, a := range sh.required {
		if _, ok := n.attrVal(a); !ok {
			return &IATIError{Line: n.line, Element: n.name, Problem: fmt.Sprintf("the attribute %s is required", a)}
		}
	}
	for _, a := range sortedKeys(sh.types) {
		if v, ok := n.attrVal(a); ok && !xsdValid(sh.types[a], v) {
			return &IATIError{Line: n.line, Element: n.name, Problem: fmt.Sprintf("attribute %s: %q is not a valid %s", a, v, sh.types[a])}
		}
	}
	return nil
}
