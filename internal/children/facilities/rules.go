package facilities

// Types are the kinds of facility ORR uses.
var Types = []string{"shelter", "staff_secure", "secure", "residential_treatment", "transitional_foster_care", "influx"}

// Age bands of licensed beds.
const (
	BandChild = "0-12"
	BandTeen  = "13-17"
)

// AgeBands lists the bands in order.
var AgeBands = []string{BandChild, BandTeen}

// BandFor returns the bed band for age, or "" when none fits (unknown or
// 18 and over).
func BandFor(age int) string {
	switch {
	case age < 0 || age >= 18:
		return ""
	case age <= 12:
		return BandChild
	default:
		return BandTeen
	}
}

// Sexes of licensed beds and of cases.
var Sexes = []string{"F", "M"}
