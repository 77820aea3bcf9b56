package aid

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
)

// MaxIATIBytes caps an IATI file sent to the API (the CLI reads any size):
// above the 50 MB a large publisher's file reaches, below what a server
// should take in one request.
const MaxIATIBytes = 64 << 20

// IATIImport is what an import brought in.
type IATIImport struct {
	ID           int64  `json:"id"`
	FileName     string `json:"file_name"`
	SHA256       string `json:"sha256"`
	Size         int64  `json:"size"`
	Activities   int    `json:"activities"`
	Budgets      int    `json:"budgets"`
	Transactions int    `json:"transactions"`
	Conditions   int    `json:"conditions"`
	Indicators   int    `json:"indicators"`
	// Unmodelled counts the elements Amparo does not read, by name: they
	// are kept as read and written back on export.
	Unmodelled map[string]int `json:"unmodelled"`
}

// IATIActivity is an imported activity (a program as its publisher
// reports it) with the parts Amparo reads.
type IATIActivity struct {
	ID              int64           `json:"id"`
	ImportID        int64           `json:"import_id"`
	Line            int             `json:"line"`
	Identifier      string          `json:"identifier"`
	ReportingOrg    string          `json:"reporting_org"`
	Title           string          `json:"title"`
	DefaultCurrency string          `json:"default_currency"`
	Unmodelled      []string        `json:"unmodelled"`
	Budgets         []IATIBudget    `json:"budgets"`
	Transactions    []IATITxn       `json:"transactions"`
	Conditions      []IATICondition `json:"conditions"`
	Indicators      []IATIIndicator `json:"indicators"`
}

// IATIBudget is a <budget>. Value is the decimal as written.
type IATIBudget struct {
	Type        string `json:"type"`
	Status      string `json:"status"`
	PeriodStart string `json:"period_start"`
	PeriodEnd   string `json:"period_end"`
	Value       string `json:"value"`
	Currency    string `json:"currency"` // the value's, else the activity's default
	ValueDate   string `json:"value_date"`
}

// IATITxn is a <transaction> (type 3 disbursement, 4 expenditure, ...).
type IATITxn struct {
	Ref         string `json:"ref"`
	Type        string `json:"type"`
	Date        string `json:"date"`
	Value       string `json:"value"`
	Currency    string `json:"currency"`
	ValueDate   string `json:"value_date"`
	Description string `json:"description"`
}

// IATICondition is a <condition>: free text in IATI.
type IATICondition struct {
	Attached  bool   `json:"attached"`
	Type      string `json:"type"`
	Narrative string `json:"narrative"`
}

// IATIIndicator is a result's indicator with its baseline and periods.
// Values are strings: IATI allows "N=42;P=57".
type IATIIndicator struct {
	ResultSeq     int          `json:"result_seq"`
	ResultType    string       `json:"result_type"`
	ResultTitle   string       `json:"result_title"`
	Measure       string       `json:"measure"`
	Ascending     *bool        `json:"ascending"`
	Title         string       `json:"title"`
	BaselineYear  *int         `json:"baseline_year"`
	BaselineValue *string      `json:"baseline_value"`
	Periods       []IATIPeriod `json:"periods"`
}

// IATIPeriod is an indicator's period: its first target and first actual
// (IATI allows several, by dimension or location; all stay in the XML).
type IATIPeriod struct {
	Start  string  `json:"start"`
	End    string  `json:"end"`
	Target *string `json:"target"`
	Actual *string `json:"actual"`
}

// modelled are the activity's children Amparo reads (or writes itself);
// any other is counted as unmodelled and kept as read.
var modelled = map[string]bool{
	"iati-identifier": true, "reporting-org": true, "title": true, "description": true, "participating-org": true,
	"activity-status": true, "activity-date": true, "recipient-country": true, "budget": true, "transaction": true,
	"conditions": true, "result": true,
}

func xsdTrue(v string) bool { v = strings.TrimSpace(v); return v == "true" || v == "1" }

// readActivity takes the parts Amparo reads out of a checked activity.
func readActivity(n *xnode) *IATIActivity {
	a := &IATIActivity{Line: n.line, Unmodelled: []string{}, Budgets: []IATIBudget{}, Transactions: []IATITxn{}, Conditions: []IATICondition{}, Indicators: []IATIIndicator{}}
	a.DefaultCurrency, _ = n.attrVal("default-currency")
	resultSeq := 0
	for _, k := range n.kids() {
		switch k.name {
		case "iati-identifier":
			a.Identifier = strings.TrimSpace(k.text())
		case "reporting-org":
			a.ReportingOrg = k.narrative()
			if ref, _ := k.attrVal("ref"); ref != "" && a.ReportingOrg == "" {
				a.ReportingOrg = ref
			}
		case "title":
			a.Title = k.narrative()
		case "budget":
			a.Budgets = append(a.Budgets, readBudget(k, a.DefaultCurrency))
		case "transaction":
			a.Transactions = append(a.Transactions, readTxn(k, a.DefaultCurrency))
		case "conditions":
			att, _ := k.attrVal("attached")
			for _, c := range k.kids() {
				if c.name == "condition" {
					typ, _ := c.attrVal("type")
					a.Conditions = append(a.Conditions, IATICondition{Attached: xsdTrue(att), Type: typ, Narrative: c.narrative()})
				}
			}
		case "result":
			resultSeq++
			a.Indicators = append(a.Indicators, readResult(k, resultSeq)...)
		default:
			if !modelled[k.name] && !slices.Contains(a.Unmodelled, k.name) {
				a.Unmodelled = append(a.Unmodelled, k.name)
			}
		}
	}
	return a
}

func iso(n *xnode) string {
	if n == nil {
		return ""
	}
	v, _ := n.attrVal("iso-date")
	return strings.TrimSpace(v)
}

func money(v *xnode, def string) (value, currency, date string) {
	value = strings.TrimSpace(v.text())
	currency, _ = v.attrVal("currency")
	if currency == "" {
		currency = def
	}
	date, _ = v.attrVal("value-date")
	return value, currency, strings.TrimSpace(date)
}

func readBudget(k *xnode, def string) IATIBudget {
	b := IATIBudget{PeriodStart: iso(k.kid("period-start")), PeriodEnd: iso(k.kid("period-end"))}
	b.Type, _ = k.attrVal("type")
	b.Status, _ = k.attrVal("status")
	b.Value, b.Currency, b.ValueDate = money(k.kid("value"), def)
	return b
}

func readTxn(k *xnode, def string) IATITxn {
	t := IATITxn{Date: iso(k.kid("transaction-date")), Description: k.kid("description").narrative()}
	t.Ref, _ = k.attrVal("ref")
	t.Type, _ = k.kid("transaction-type").attrVal("code")
	t.Value, t.Currency, t.ValueDate = money(k.kid("value"), def)
	return t
}

func readResult(k *xnode, seq int) []IATIIndicator {
	typ, _ := k.attrVal("type")
	title := k.kid("title").narrative()
	var out []IATIIndicator
	for _, in := range k.kids() {
		if in.name != "indicator" {
			continue
		}
		ind := IATIIndicator{ResultSeq: seq, ResultType: typ, ResultTitle: title, Title: in.kid("title").narrative(), Periods: []IATIPeriod{}}
		ind.Measure, _ = in.attrVal("measure")
		if asc, ok := in.attrVal("ascending"); ok {
			b := xsdTrue(asc)
			ind.Ascending = &b
		}
		if bl := in.kid("baseline"); bl != nil {
			y, _ := bl.attrVal("year")
			var year int
			if _, err := fmt.Sscan(strings.TrimSpace(y), &year); err == nil {
				ind.BaselineYear = &year
			}
			if v, ok := bl.attrVal("value"); ok {
				ind.BaselineValue = &v
			}
		}
		for _, p := range in.kids() {
			if p.name != "period" {
				continue
			}
			pp := IATIPeriod{Start: iso(p.kid("period-start")), End: iso(p.kid("period-end"))}
			pp.Target = attrPtr(p.kid("target"), "value")
			pp.Actual = attrPtr(p.kid("actual"), "value")
			ind.Periods = append(ind.Periods, pp)
		}
		out = append(out, ind)
	}
	return out
}

func attrPtr(n *xnode, name string) *string {
	if n == nil {
		return nil
	}
	if v, ok := n.attrVal(name); ok {
		return &v
	}
	return nil
}

// iatiStmts are the import's statements, prepared once on its
// transaction: an activity's budgets, transactions, conditions, indicators
// and periods are each written in one statement of many rows (a round trip
// per row made PostgreSQL four times slower), kept by table and row count.
type iatiStmts struct {
	activity, find *sql.Stmt
	rows           map[string]*sql.Stmt
}

// iatiRowTables are the tables written many rows at a time, and their
// columns.
var iatiRowTables = map[string]string{
	"aid_iati_budgets":      "activity_id, btype, status, period_start, period_end, value, currency, value_date",
	"aid_iati_transactions": "activity_id, ref, ttype, tdate, value, currency, value_date, description",
	"aid_iati_conditions":   "activity_id, attached, ctype, narrative",
	"aid_iati_indicators":   "activity_id, seq, result_seq, result_type, result_title, measure, ascending, title, baseline_year, baseline_value",
	"aid_iati_periods":      "activity_id, indicator_seq, period_start, period_end, target, actual",
}

// maxRowsPerInsert keeps a statement's parameters under both engines'
// limits (SQLite 32766, PostgreSQL 65535).
const maxRowsPerInsert = 500

func (s *Service) prepareIATI(ctx context.Context) (*iatiStmts, error) {
	st := &iatiStmts{rows: map[string]*sql.Stmt{}}
	var err error
	if st.activity, err = s.db.Prepare(ctx, `INSERT INTO aid_iati_activities (import_id, seq, line, identifier, reporting_org, title, default_currency, unmodelled, xml)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`); err != nil {
		return nil, fmt.Errorf("aid: import IATI: prepare: %w", err)
	}
	if st.find, err = s.db.Prepare(ctx, `SELECT id FROM aid_iati_activities WHERE identifier = ?`); err != nil {
		st.close()
		return nil, fmt.Errorf("aid: import IATI: prepare: %w", err)
	}
	return st, nil
}

func (st *iatiStmts) close() {
	for _, s := range st.rows {
		s.Close()
	}
	for _, s := range []*sql.Stmt{st.activity, st.find} {
		if s != nil {
			s.Close()
		}
	}
}

// insertRows writes rows (each a full row of table's columns) in
// statements of at most maxRowsPerInsert rows.
func (s *Service) insertRows(ctx context.Context, st *iatiStmts, table string, rows [][]any) error {
	for len(rows) > 0 {
		n := min(len(rows), maxRowsPerInsert)
		key := fmt.Sprintf("%s/%d", table, n)
		stmt, ok := st.rows[key]
		if !ok {
			cols := iatiRowTables[table]
			one := "(" + strings.TrimSuffix(strings.Repeat("?, ", strings.Count(cols, ",")+1), ", ") + ")"
			var err error
			if stmt, err = s.db.Prepare(ctx, "INSERT INTO "+table+" ("+cols+") VALUES "+strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")); err != nil {
				return fmt.Errorf("aid: import IATI: prepare %s: %w", table, err)
			}
			st.rows[key] = stmt
		}
		args := make([]any, 0, n*len(rows[0]))
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("aid: import IATI: %s: %w", table, err)
		}
		rows = rows[n:]
	}
	return nil
}

// countingReader counts and hashes what is read through it.
type countingReader struct {
	r io.Reader
	n int64
	h io.Writer
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	_, _ = c.h.Write(p[:n])
	return n, err
}

// ImportIATI reads an IATI activity XML 2.03 file, one activity at a time,
// and stores every activity in one transaction: a file with one fault is
// refused whole (an *IATIError with the line and element) and nothing is
// kept. An activity whose identifier was imported before replaces it
// (publishers republish whole files).
func (s *Service) ImportIATI(ctx context.Context, name string, r io.Reader) (*IATIImport, error) {
	who, err := auth.Require(ctx, auth.PermAidManage)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	cr := &countingReader{r: r, h: h}
	res := &IATIImport{FileName: name, Unmodelled: map[string]int{}}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.db.QueryRow(ctx, `INSERT INTO aid_iati_imports (file_name, sha256, size, imported_by, imported_at) VALUES (?, '', 0, ?, ?) RETURNING id`,
			name, who.Email, store.FormatTime(s.now())).Scan(&res.ID); err != nil {
			return fmt.Errorf("aid: import IATI: %w", err)
		}
		st, err := s.prepareIATI(ctx)
		if err != nil {
			return err
		}
		defer st.close()
		ir := newIATIReader(cr)
		for {
			n, err := ir.next()
			if err != nil {
				return err
			}
			if n == nil {
				break
			}
			if err := checkIATI("iati-activities", n); err != nil {
				return err
			}
			if err := s.storeActivity(ctx, st, res, n); err != nil {
				return err
			}
		}
		res.Size, res.SHA256 = cr.n, hex.EncodeToString(h.Sum(nil))
		if _, err := s.db.Exec(ctx, `UPDATE aid_iati_imports SET sha256 = ?, size = ?, activities = ? WHERE id = ?`, res.SHA256, res.Size, res.Activities, res.ID); err != nil {
			return fmt.Errorf("aid: import IATI: %w", err)
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "aid.iati.import", ObjectType: "aid_iati_import", ObjectID: fmt.Sprint(res.ID),
			Detail: fmt.Sprintf("%s sha256 %s, %d bytes, %d activities, %d budgets, %d transactions, %d conditions, %d indicators",
				name, res.SHA256, res.Size, res.Activities, res.Budgets, res.Transactions, res.Conditions, res.Indicators)})
	})
	if err != nil {
		return nil, fmt.Errorf("aid: import IATI %s: %w", name, err)
	}
	return res, nil
}

func (s *Service) storeActivity(ctx context.Context, st *iatiStmts, res *IATIImport, n *xnode) error {
	a := readActivity(n)
	if a.Identifier != "" {
		if err := s.dropActivity(ctx, st, a.Identifier); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	writeNode(&buf, n)
	res.Activities++
	if err := st.activity.QueryRowContext(ctx, res.ID, res.Activities, a.Line, a.Identifier, a.ReportingOrg, a.Title, a.DefaultCurrency,
		strings.Join(a.Unmodelled, ","), buf.String()).Scan(&a.ID); err != nil {
		return fmt.Errorf("aid: import IATI: activity at line %d: %w", a.Line, err)
	}
	for _, k := range a.Unmodelled {
		res.Unmodelled[k]++
	}
	var budgets, txns, conds, inds, periods [][]any
	for _, b := range a.Budgets {
		budgets = append(budgets, []any{a.ID, b.Type, b.Status, b.PeriodStart, b.PeriodEnd, b.Value, b.Currency, b.ValueDate})
	}
	for _, t := range a.Transactions {
		txns = append(txns, []any{a.ID, t.Ref, t.Type, t.Date, t.Value, t.Currency, t.ValueDate, t.Description})
	}
	for _, c := range a.Conditions {
		conds = append(conds, []any{a.ID, boolInt(c.Attached), c.Type, c.Narrative})
	}
	for i, in := range a.Indicators {
		var asc *int
		if in.Ascending != nil {
			v := boolInt(*in.Ascending)
			asc = &v
		}
		inds = append(inds, []any{a.ID, i + 1, in.ResultSeq, in.ResultType, in.ResultTitle, in.Measure, asc, in.Title, in.BaselineYear, in.BaselineValue})
		for _, p := range in.Periods {
			periods = append(periods, []any{a.ID, i + 1, p.Start, p.End, p.Target, p.Actual})
		}
	}
	for _, w := range []struct {
		table string
		rows  [][]any
	}{{"aid_iati_budgets", budgets}, {"aid_iati_transactions", txns}, {"aid_iati_conditions", conds}, {"aid_iati_indicators", inds}, {"aid_iati_periods", periods}} {
		if err := s.insertRows(ctx, st, w.table, w.rows); err != nil {
			return err
		}
	}
	res.Budgets += len(a.Budgets)
	res.Transactions += len(a.Transactions)
	res.Conditions += len(a.Conditions)
	res.Indicators += len(a.Indicators)
	return nil
}

// dropActivity removes an earlier import of the activity identifier.
func (s *Service) dropActivity(ctx context.Context, st *iatiStmts, identifier string) error {
	rows, err := st.find.QueryContext(ctx, identifier)
	if err != nil {
		return fmt.Errorf("aid: import IATI: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("aid: import IATI: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("aid: import IATI: %w", err)
	}
	for _, id := range ids {
		for _, q := range []string{
			`DELETE FROM aid_iati_periods WHERE activity_id = ?`,
			`DELETE FROM aid_iati_indicators WHERE activity_id = ?`,
			`DELETE FROM aid_iati_conditions WHERE activity_id = ?`,
			`DELETE FROM aid_iati_transactions WHERE activity_id = ?`,
			`DELETE FROM aid_iati_budgets WHERE activity_id = ?`,
			`DELETE FROM aid_iati_activities WHERE id = ?`,
		} {
			if _, err := s.db.Exec(ctx, q, id); err != nil {
				return fmt.Errorf("aid: import IATI: replace %s: %w", identifier, err)
			}
		}
	}
	return nil
}

// sortedKeys returns m's keys in order (stable messages and checks).
func sortedKeys[V any](m map[string]V) []string {
	return slices.SortedFunc(maps.Keys(m), cmp.Compare[string])
}
