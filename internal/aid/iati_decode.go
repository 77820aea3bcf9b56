package aid

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/amparo-project/amparo/internal/errs"
	"golang.org/x/text/encoding/charmap"
)

// The IATI decoder reads an activity file as a stream of tokens and hands
// over one <iati-activity> at a time, as a small tree, so that memory
// stays flat whatever the file's size. Names keep their prefix as written
// (xml:lang, an extension's usg:tag): nothing is translated, so an element
// Amparo does not know is written back exactly.

// IATIError is a file refused: the line and element at fault. It is the
// caller's to fix (422).
type IATIError struct {
	Line    int    `json:"line"`
	Element string `json:"element"`
	Problem string `json:"problem"`
}

func (e *IATIError) Error() string {
	if e.Element == "" {
		return fmt.Sprintf("IATI file refused, line %d: %s", e.Line, e.Problem)
	}
	return fmt.Sprintf("IATI file refused, line %d, <%s>: %s", e.Line, e.Element, e.Problem)
}

// Unwrap makes the refusal a validation error on the field "file", so that
// the web layer answers 422 and a form shows it beside the file input.
func (e *IATIError) Unwrap() error {
	return &errs.ValidationError{Problems: []errs.FieldError{{Field: "file", Problem: strings.TrimPrefix(e.Error(), "IATI file refused, ")}}}
}

// Validation marks the refusal as the caller's mistake.
func (e *IATIError) Validation() bool { return true }

// xnode is one element as read: its attributes in their order and its
// content (text and child elements, in order).
type xnode struct {
	name  string // prefix:local as written
	attr  []xml.Attr
	items []xitem
	line  int
}

// xitem is a run of text or a child element.
type xitem struct {
	text string
	node *xnode
}

func (n *xnode) attrVal(name string) (string, bool) {
	for _, a := range n.attr {
		if qname(a.Name) == name {
			return a.Value, true
		}
	}
	return "", false
}

func (n *xnode) kids() []*xnode {
	out := make([]*xnode, 0, len(n.items))
	for _, it := range n.items {
		if it.node != nil {
			out = append(out, it.node)
		}
	}
	return out
}

func (n *xnode) kid(name string) *xnode {
	for _, it := range n.items {
		if it.node != nil && it.node.name == name {
			return it.node
		}
	}
	return nil
}

// text is the element's own text, runs joined.
func (n *xnode) text() string {
	var b strings.Builder
	for _, it := range n.items {
		if it.node == nil {
			b.WriteString(it.text)
		}
	}
	return b.String()
}

// narrative is the text of the first <narrative> under n (nil n: "").
func (n *xnode) narrative() string {
	if n == nil {
		return ""
	}
	if k := n.kid("narrative"); k != nil {
		return k.text()
	}
	return ""
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// iatiReader yields a file's activities one at a time.
type iatiReader struct {
	rootNS  []xml.Attr // the root's namespace declarations, copied onto each activity
	src     *srcReader
	dec     *xml.Decoder
	started bool
	done    bool
	seen    int
	// badCharset is the encoding the file declares when it is not one
	// charset reads.
	badCharset string
}

func newIATIReader(r io.Reader) *iatiReader {
	src := &srcReader{r: r}
	ir := &iatiReader{src: src, dec: xml.NewDecoder(src)}
	ir.dec.CharsetReader = ir.charset
	return ir
}

// charset reads the single-byte encodings real IATI files are saved in
// besides UTF-8 (a publisher's export declaring ISO-8859-1 got the
// parser's "Decoder.CharsetReader is nil"); the activities are stored in
// UTF-8 whatever the file's encoding. Others are refused by name (fail).
func (ir *iatiReader) charset(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "us-ascii", "ascii":
		return input, nil
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1":
		return charmap.ISO8859_1.NewDecoder().Reader(input), nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Reader(input), nil
	}
	ir.badCharset = label
	return nil, errors.New("unsupported encoding")
}

// srcReader remembers the error its source gave, so that a failure to
// read (a body over its cap) is told apart from a fault in the file.
type srcReader struct {
	r   io.Reader
	err error
}

func (s *srcReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

func (ir *iatiReader) line() int {
	l, _ := ir.dec.InputPos()
	return l
}

// fail turns a read error into an IATIError with its line, except a read
// error from below the parser (a body over its cap), returned as is.
func (ir *iatiReader) fail(err error) error {
	if ir.src.err != nil {
		return ir.src.err
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return &IATIError{Line: se.Line, Problem: "not well-formed XML: " + se.Msg}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &IATIError{Line: ir.line(), Problem: "the file ends before its elements are closed"}
	}
	if ir.badCharset != "" {
		return &IATIError{Line: max(ir.line(), 1), Problem: fmt.Sprintf("the file's encoding %q is not read: save it as UTF-8", ir.badCharset)}
	}
	// The parser's other refusals: an XML version other than 1.0.
	return &IATIError{Line: max(ir.line(), 1), Problem: strings.TrimPrefix(err.Error(), "xml: ")}
}

// next returns the next activity, or nil at the end of the file. The root
// must be <iati-activities version="..."> with at least one activity.
func (ir *iatiReader) next() (*xnode, error) {
	if ir.done {
		return nil, nil
	}
	for {
		tok, err := ir.dec.RawToken()
		if err == io.EOF && ir.started {
			return nil, &IATIError{Line: ir.line(), Element: "iati-activities", Problem: "the file ends before </iati-activities>"}
		}
		if err == io.EOF {
			return nil, &IATIError{Line: ir.line(), Problem: "no <iati-activities> element: not an IATI activity file"}
		}
		if err != nil {
			return nil, ir.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := qname(t.Name)
			if !ir.started {
				if name != "iati-activities" {
					return nil, &IATIError{Line: ir.line(), Element: name, Problem: "the root element must be <iati-activities> (an IATI organisation file is not an activity file)"}
				}
				if _, ok := (&xnode{attr: t.Attr}).attrVal("version"); !ok {
					return nil, &IATIError{Line: ir.line(), Element: name, Problem: "the attribute version is required"}
				}
				if err := checkAttrs(&xnode{name: name, attr: t.Attr, line: ir.line()}, iatiRoot); err != nil {
					return nil, err
				}
				for _, a := range t.Attr {
					if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
						ir.rootNS = append(ir.rootNS, a)
					}
				}
				ir.started = true
				continue
			}
			n, err := ir.element(t)
			if err != nil {
				return nil, err
			}
			if n.name != "iati-activity" {
				return nil, &IATIError{Line: n.line, Element: n.name, Problem: "only <iati-activity> elements may be in <iati-activities>"}
			}
			// An extension's prefix declared on the root is declared on
			// the activity too, so that the activity stored alone (and
			// written back) is still well-formed.
			for _, a := range ir.rootNS {
				if _, ok := n.attrVal(qname(a.Name)); !ok {
					n.attr = append(n.attr, a)
				}
			}
			ir.seen++
			return n, nil
		case xml.EndElement:
			// RawToken leaves nesting to us: the only end tag met here is
			// the root's, since element() reads each child to its end.
			if qname(t.Name) != "iati-activities" {
				return nil, &IATIError{Line: ir.line(), Element: qname(t.Name), Problem: "a closing tag with no opening tag"}
			}
			if ir.seen == 0 {
				return nil, &IATIError{Line: ir.line(), Element: "iati-activities", Problem: "holds no <iati-activity>: at least one is required"}
			}
			return nil, ir.end()
		case xml.CharData:
			if ir.started && len(bytes.TrimSpace(t)) > 0 {
				return nil, &IATIError{Line: ir.line(), Element: "iati-activities", Problem: "text is not allowed here"}
			}
		}
	}
}

// end checks that nothing but comments and whitespace follow the root.
func (ir *iatiReader) end() error {
	ir.done = true
	for {
		tok, err := ir.dec.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return ir.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return &IATIError{Line: ir.line(), Element: qname(t.Name), Problem: "an element after </iati-activities>"}
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return &IATIError{Line: ir.line(), Problem: "text after </iati-activities>"}
			}
		}
	}
}

// maxDepth bounds nesting: IATI is at most six levels deep; a file nested
// deeper than this is refused before it can exhaust the stack.
const maxDepth = 64

// element reads start's element to its end tag. Whitespace-only text is
// layout and is dropped; comments and processing instructions are dropped.
func (ir *iatiReader) element(start xml.StartElement) (*xnode, error) {
	root := &xnode{name: qname(start.Name), attr: copyAttrs(start.Attr), line: ir.line()}
	stack := []*xnode{root}
	for len(stack) > 0 {
		tok, err := ir.dec.RawToken()
		if err != nil {
			return nil, ir.fail(err)
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxDepth {
				return nil, &IATIError{Line: ir.line(), Element: qname(t.Name), Problem: "nested too deep"}
			}
			n := &xnode{name: qname(t.Name), attr: copyAttrs(t.Attr), line: ir.line()}
			top.items = append(top.items, xitem{node: n})
			stack = append(stack, n)
		case xml.EndElement:
			if qname(t.Name) != top.name {
				return nil, &IATIError{Line: ir.line(), Element: top.name, Problem: fmt.Sprintf("closed by </%s>: not well-formed XML", qname(t.Name))}
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				top.items = append(top.items, xitem{text: string(t)})
			}
		}
	}
	return root, nil
}

func copyAttrs(in []xml.Attr) []xml.Attr {
	out := make([]xml.Attr, len(in))
	copy(out, in)
	return out
}

// writeNode writes n compactly (no layout): the form an activity is stored
// in, and read again by encodeNode on export.
func writeNode(b *bytes.Buffer, n *xnode) {
	b.WriteByte('<')
	b.WriteString(n.name)
	for _, a := range n.attr {
		b.WriteByte(' ')
		b.WriteString(qname(a.Name))
		b.WriteString(`="`)
		_ = xml.EscapeText(b, []byte(a.Value))
		b.WriteByte('"')
	}
	b.WriteByte('>')
	for _, it := range n.items {
		if it.node != nil {
			writeNode(b, it.node)
		} else {
			_ = xml.EscapeText(b, []byte(it.text))
		}
	}
	b.WriteString("</")
	b.WriteString(n.name)
	b.WriteByte('>')
}

// encodeStored writes a stored activity through enc, so that it is laid
// out exactly as the activities Amparo writes itself. Names are passed
// with their prefix as the local name, which the encoder writes as is.
func encodeStored(enc *xml.Encoder, stored string) error {
	dec := xml.NewDecoder(strings.NewReader(stored))
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("aid: stored IATI activity: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			attrs := make([]xml.Attr, len(t.Attr))
			for i, a := range t.Attr {
				attrs[i] = xml.Attr{Name: xml.Name{Local: qname(a.Name)}, Value: a.Value}
			}
			tok = xml.StartElement{Name: xml.Name{Local: qname(t.Name)}, Attr: attrs}
		case xml.EndElement:
			tok = xml.EndElement{Name: xml.Name{Local: qname(t.Name)}}
		}
		if err := enc.EncodeToken(tok); err != nil {
			return fmt.Errorf("aid: stored IATI activity: %w", err)
		}
	}
}
