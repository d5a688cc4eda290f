package signal

// Leave reasons of peer-leave, numbered as SparkRTC's HRTCLeaveReason.
const (
	// ReasonLeft: the user left by itself.
	ReasonLeft = 0
	// ReasonServerException: the server hit an exception.
	ReasonServerException = 1
	// ReasonSFUFault: the media server failed.
	ReasonSFUFault = 2
	// ReasonServiceUnavailable: the service is shutting down or unreachable.
	ReasonServiceUnavailable = 3
	// ReasonInternalError: an internal error removed the user.
	ReasonInternalError = 4
	// ReasonBanned: the user was banned or replaced by a newer session.
	ReasonBanned = 5
	// ReasonSignatureExpired: the access signature expired.
	ReasonSignatureExpired = 6
	// ReasonReconnectTimeout: reconnection did not succeed in time.
	ReasonReconnectTimeout = 7
	// ReasonNetworkCheck: the connection failed its liveness check.
	ReasonNetworkCheck = 8
	// ReasonRemoved: an administrator removed the user.
	ReasonRemoved = 9
	// ReasonRoomDismissed: the room was dismissed.
	ReasonRoomDismissed = 10
)

// ReasonText says a leave reason in words, for logs and the UI.
func ReasonText(r int) string {
	switch r {
	case ReasonLeft:
		return "left"
	case ReasonServerException:
		return "server exception"
	case ReasonSFUFault:
		return "media server fault"
	case ReasonServiceUnavailable:
		return "service unavailable"
	case ReasonInternalError:
		return "internal error"
	case ReasonBanned:
		return "banned"
	case ReasonSignatureExpired:
		return "signature expired"
	case ReasonReconnectTimeout:
		return "reconnection timed out"
	case ReasonNetworkCheck:
		return "network check failed"
	case ReasonRemoved:
		return "removed"
	case ReasonRoomDismissed:
		return "room dismissed"
	}
	return "unknown reason"
}
