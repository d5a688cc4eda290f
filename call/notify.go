package call

import "github.com/confab-rtc/confab/signal"

// handleModel turns the notifications of the full event model into
// events. It reports whether it knew the message type.
func (s *session) handleModel(m signal.Message) bool {
	emit := s.e.events.emit
	switch m.Type {
	case signal.TypeUserNameChanged:
		emit(RemoteUserNameChanged{UserID: m.UserID, UserName: m.UserName})
	case signal.TypeRoleChanged:
		emit(RoleChanged{UserID: m.UserID, Role: m.Role})
	case signal.TypeStreamUpdated:
		if m.Stream != nil {
			emit(StreamUpdated{UserID: m.Stream.UserID, Kind: m.Stream.Kind, Muted: m.Stream.Muted})
		}
	case signal.TypeVolumeIndicator:
		emit(VolumeIndicator{Levels: m.Levels})
	case signal.TypeActiveSpeaker:
		emit(ActiveSpeaker{UserID: m.UserID})
	case signal.TypeNetworkQuality:
		emit(NetworkQuality{UserID: m.UserID, Uplink: m.Uplink, Downlink: m.Downlink})
	case signal.TypeStreamInterrupted:
		emit(StreamInterrupted{UserID: m.UserID, Kind: m.Kind})
	case signal.TypeStreamRecovered:
		emit(StreamRecovered{UserID: m.UserID, Kind: m.Kind})
	case signal.TypeMediaException:
		emit(MediaException{UserID: m.UserID, Kind: m.Kind, Code: m.Code, Resumed: m.Resumed})
	case signal.TypeTokenWillExpire:
		emit(TokenWillExpire{CTime: m.CTime})
		s.onTokenWillExpire(m.CTime)
	case signal.TypeSignatureExpired:
		emit(SignatureExpired{})
		s.ended = ErrSignatureExpired
	case signal.TypeKicked:
		if m.Reason == signal.ReasonBanned && m.Until == 0 {
			emit(KickedOffline{Reason: m.Reason, Message: m.Message})
			s.ended = ErrKickedOffline
		} else {
			emit(ClientBanned{Reason: m.Reason, Message: m.Message, Until: m.Until})
			s.ended = ErrBanned
		}
	default:
		return false
	}
	return true
}
