package domain

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// TimeLayout is how timestamps are stored: UTC with a fixed microsecond width,
// so text order is time order on SQLite and Postgres alike.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// Time is a UTC timestamp stored as text.
type Time struct{ time.Time }

// Now is the current time at microsecond precision.
func Now() Time { return Time{time.Now().UTC().Truncate(time.Microsecond)} }

// Value implements driver.Valuer.
func (t Time) Value() (driver.Value, error) { return t.UTC().Format(TimeLayout), nil }

// Scan implements sql.Scanner.
func (t *Time) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	case time.Time:
		t.Time = v.UTC()
		return nil
	default:
		return fmt.Errorf("cannot scan %T into domain.Time", src)
	}
	p, err := time.Parse(TimeLayout, s)
	if err != nil {
		p, err = time.Parse(time.RFC3339Nano, s)
	}
	if err != nil {
		return err
	}
	t.Time = p
	return nil
}

// MarshalJSON writes RFC 3339.
func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + t.UTC().Format(time.RFC3339) + `"`), nil
}
