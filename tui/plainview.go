package tui

import (
	"strconv"
	"time"

	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/signal"
)

// plainView is the state of plain mode: what the events said about the
// call, folded so that each change is spoken once. It does no input or
// output and reads no clock (times are parameters), so tests feed it
// events and keys and compare the lines.
type plainView struct {
	engine PlainEngine
	room   string
	people roster
	state  call.ConnState
	timer  callTimer
	// connected is whether the call was ever connected, to tell a
	// reconnection from the first connection.
	connected bool
	// greetUntil ends the burst of peer-joins that follows a connection:
	// the engine lists who is already in the room right after CONNECTED,
	// and those people are "here", not arriving. Any other event ends
	// the burst early.
	greetUntil time.Time
	// leaving is set once the user asked to leave.
	leaving bool

	// speaker is the last active speaker announced: a speaker is named
	// again only when someone else spoke in between.
	speaker string
	// quietSpeakers turns speaker announcements off (the a key), for a
	// lively call where they would drown everything else.
	quietSpeakers bool
	// speaking is the current active speaker, "" when nobody speaks.
	speaking string
	// bands holds the last network quality band announced per user id.
	bands map[string]int

	// selected is the user id the digits chose, for + and -.
	selected string
	// confirmQuit is set by a first q at confirmAt: a second q within
	// quitConfirmWindow leaves, any other key cancels.
	confirmQuit bool
	confirmAt   time.Time
	// lastError is the last error line, so a retry loop is spoken once.
	lastError string

	micName, speakerName string
}

// newPlainView returns the view for an engine before any event.
func newPlainView(e PlainEngine, room, userName string) *plainView {
	if room == "" {
		room = e.Room()
	}
	if userName == "" {
		userName = e.UserID()
	}
	return &plainView{
		engine: e,
		room:   room,
		state:  call.StateDisconnected,
		bands:  map[string]int{},
		people: roster{self: participant{id: e.UserID(), name: userName, muted: e.MicMuted()}},
	}
}

// event folds one call event into the view and returns the sentences to
// speak, usually none or one.
func (v *plainView) event(ev call.Event, now time.Time) []string {
	if _, ok := ev.(call.PeerJoin); !ok {
		v.greetUntil = time.Time{}
	}
	switch ev := ev.(type) {
	case call.ConnectionStateChanged:
		return v.setState(ev.Cur, now)
	case call.PeerJoin:
		return v.peerJoin(ev, now)
	case call.PeerLeave:
		name := v.people.name(ev.UserID)
		if _, ok := v.people.leave(ev.UserID); !ok {
			return nil
		}
		delete(v.bands, ev.UserID)
		if v.selected == ev.UserID {
			v.selected = ""
		}
		if v.speaking == ev.UserID {
			v.speaking = ""
		}
		if ev.Reason == signal.ReasonLeft {
			return say(name + " left.")
		}
		return say(name + " left: " + leaveReasonSentence(ev.Reason) + ".")
	case call.MuteAudio:
		return v.setMuted(ev.UserID, true)
	case call.UnmuteAudio:
		return v.setMuted(ev.UserID, false)
	case call.ActiveSpeaker:
		return v.activeSpeaker(ev.UserID)
	case call.NetworkQuality:
		return v.quality(ev)
	case call.RemoteUserNameChanged:
		p := v.people.find(ev.UserID)
		if p == nil || p.name == ev.UserName {
			return nil
		}
		old := p.displayName()
		p.name = ev.UserName
		if p == &v.people.self {
			return say(endSentence("Your name is now " + p.displayName()))
		}
		return say(endSentence(old + " is now called " + p.displayName()))
	case call.RoleChanged:
		p := v.people.find(ev.UserID)
		if p == nil || p.role == ev.Role {
			return nil
		}
		p.role = ev.Role
		who, verb := p.displayName(), " is now"
		if p == &v.people.self {
			who, verb = "You", " are now"
		}
		if ev.Role == rolePlayer {
			return say(who + verb + " a listener and cannot speak.")
		}
		return say(who + verb + " a speaker.")
	case call.StreamInterrupted:
		if ev.Kind == signal.KindAudio {
			return say(v.people.name(ev.UserID) + "'s audio stopped arriving.")
		}
	case call.StreamRecovered:
		if ev.Kind == signal.KindAudio {
			return say(v.people.name(ev.UserID) + "'s audio is back.")
		}
	case call.MediaException:
		return v.mediaException(ev)
	case call.MediaDevice:
		return v.device(ev)
	case call.DeviceChanged:
		return say(deviceChangedSentence(ev))
	case call.TrackEnded:
		return say("Microphone lost: the call sends silence until a microphone is plugged in.")
	case call.TokenWillExpire:
		return say("Your access signature expires at " + time.Unix(ev.CTime, 0).Format("15:04") + "; confab renews it when it can.")
	case call.SignatureExpired:
		return say(errorSentence(signal.CodeSignatureExpired, "your access signature expired and the call ended"))
	case call.KickedOffline:
		return say("Session ended: you joined this room from another device.")
	case call.ClientBanned:
		if ev.Reason == signal.ReasonBanned {
			return say(errorSentence(signal.CodeBanned, removalSentence(ev)))
		}
		return say("Session ended: " + lowerFirst(removalSentence(ev)))
	case call.Error:
		text := errorSentence(ev.Code, ev.Message)
		if text == v.lastError {
			return nil
		}
		v.lastError = text
		return say(text)
	}
	// Streams, first frames, volume levels, video and the lobby's room
	// list are either told by another event or are per-frame noise.
	return nil
}

// greetWindow bounds the burst of peer-joins listing who is already in
// the room: the engine sends them together, at once after CONNECTED.
const greetWindow = time.Second

// peerJoin speaks a participant arriving, or already here when the call
// connects; a repeated join (the roster sent again after a reconnection)
// is silent.
func (v *plainView) peerJoin(ev call.PeerJoin, now time.Time) []string {
	if ev.UserID == v.people.self.id {
		return nil
	}
	known := v.people.find(ev.UserID) != nil
	v.people.join(ev.UserID, ev.UserName, ev.Role)
	if known {
		return nil
	}
	verb := " joined"
	if now.Before(v.greetUntil) {
		verb = " is here"
	}
	if ev.Role == rolePlayer {
		return say(v.people.name(ev.UserID) + verb + " as a listener.")
	}
	return say(v.people.name(ev.UserID) + verb + ".")
}

// say wraps one sentence as the lines to speak.
func say(s string) []string { return []string{s} }

// setState speaks a connection change a user should know of.
func (v *plainView) setState(s call.ConnState, now time.Time) []string {
	if s == v.state {
		return nil
	}
	v.state = s
	v.timer.stateAt(s, now)
	switch s {
	case call.StateConnecting:
		return say("Connecting to room " + sanitize(v.room) + ".")
	case call.StateConnected:
		if v.connected {
			v.greetUntil = now.Add(greetWindow)
			return say("Reconnected.")
		}
		v.connected = true
		v.greetUntil = now.Add(greetWindow)
		return say("You are connected to room " + sanitize(v.room) + ".")
	case call.StateReconnecting:
		return say("Connection lost. Reconnecting.")
	case call.StateDisconnected:
		if v.leaving {
			return say("You left the call.")
		}
		return say("You are disconnected.")
	}
	return nil
}

// setMuted records a mute change and speaks it once. The engine echoes
// the local user's own mute when the server confirms it, which the key
// already spoke; an echo can arrive after the user pressed the key again,
// so for the local user the engine's current state is the truth and an
// event that disagrees with it is stale.
func (v *plainView) setMuted(userID string, muted bool) []string {
	p := v.people.find(userID)
	if p == nil || p.muted == muted {
		return nil
	}
	if p == &v.people.self && v.engine.MicMuted() != muted {
		return nil
	}
	p.muted = muted
	if p == &v.people.self {
		return say(selfMuteSentence(muted))
	}
	if muted {
		return say(p.displayName() + " muted their microphone.")
	}
	return say(p.displayName() + " unmuted their microphone.")
}

// selfMuteSentence says the local microphone's new state.
func selfMuteSentence(muted bool) string {
	if muted {
		return "Muted: your microphone is off."
	}
	return "Unmuted: your microphone is on."
}

// mediaException speaks a media condition of a user and its end.
func (v *plainView) mediaException(ev call.MediaException) []string {
	name := v.people.name(ev.UserID)
	if ev.UserID == v.people.self.id {
		name = "Your"
	} else {
		name += "'s"
	}
	if ev.Resumed {
		return say(name + " audio is back to normal.")
	}
	switch ev.Code {
	case signal.MediaExceptionSendBitrateLow:
		return say(name + " audio is sent at a low bitrate; it may sound poor.")
	case signal.MediaExceptionRecvBitrateLow:
		return say(name + " audio arrives at a low bitrate; it may sound poor.")
	}
	return say(name + " audio has a problem, number " + strconv.Itoa(ev.Code) + ".")
}
