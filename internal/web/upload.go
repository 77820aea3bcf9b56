package web

import (
	"html/template"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/children/custody"
)

// A file over its route's cap is refused whole, and the form with it: the
// form token travels inside the same body, so the server cannot re-show
// what was typed, and a browser sending tens of MB may see the connection
// reset before the 413 arrives. The file inputs carry their cap
// (uploadCap) and static/upload.js refuses such a file when it is chosen.
func init() {
	addTemplateFuncs(template.FuncMap{"uploadCap": uploadCap})
}

// uploadCap is the largest file an upload form takes, by kind.
func uploadCap(kind string) int64 {
	switch kind {
	case "document":
		return custody.MaxDocumentBytes
	case "evidence":
		return aid.MaxDocumentBytes
	case "iati":
		return aid.MaxIATIBytes
	}
	panic("uploadCap: unknown kind " + kind) // a template mistake, caught by the page tests
}
