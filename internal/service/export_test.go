package service

// SetCrashPoint makes f run at each step of adding a document (see
// crashPoint) and returns the function it replaces.
func SetCrashPoint(f func(step string)) func(step string) {
	old := crashPoint
	crashPoint = f
	return old
}
