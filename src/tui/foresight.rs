//! Frames drawn ahead, while the reader waits, for the keys a reader presses most.
//!
//! A key press is answered by updating the state and drawing a frame: some 50,000
//! instructions over some 50 kB of code, and after the pause between two presses most of that
//! code and the buffers it reads have left the processor's caches. So once a frame is out and
//! no key is waiting, the frames that reading on or back by a line or a page would draw are
//! drawn ahead, each from a copy of the state, and their bytes kept. When one of those keys
//! comes, its bytes are sent at once; the state moves on to the copy, and the screen catches
//! up with what the terminal now shows after the answer is out.
//!
//! A frame drawn ahead is sent only onto the state and the screen it was drawn from: both
//! count their changes ([`State::revision`], [`Screen::frames`]), and any change since (a
//! resize, the library finishing in the background, another key) leaves it unused.

use std::io::{self, Write};

use super::action::Action;
use super::app::{State, update};
use super::screen::Screen;
use super::view;

/// The actions drawn ahead, likeliest first: reading on and back, by a line and by a page.
pub const LIKELY: [Action; 4] = [Action::Down, Action::Up, Action::PageDown, Action::PageUp];

/// Frames drawn ahead from one state on one screen.
#[derive(Default)]
pub struct Foresight {
    /// The state's revision and the screen's frame count the frames were drawn from.
    from: (u64, u64),
    ahead: Vec<Ahead>,
}

/// One action's frame, drawn ahead.
struct Ahead {
    action: Action,
    /// The state after the action.
    state: State,
    /// What the screen sends for the frame.
    bytes: Vec<u8>,
}

impl Foresight {
    /// Draws ahead the frame each of `actions` would draw from `state` on `screen`, in turn,
    /// until `interrupted` says a key is waiting. An action that would change nothing, quit,
    /// reach outside the state (a browser, the clipboard) or resize is left out, and nothing
    /// is drawn ahead while a prompt, a list or the help is open: keys type or choose there.
    pub fn look_ahead<W: Write>(
        state: &State,
        screen: &mut Screen<W>,
        actions: &[Action],
        mut interrupted: impl FnMut() -> bool,
    ) -> Self {
        let mut ahead = Vec::new();
        let area = screen.area();
        // A size the screen has not taken yet is drawn the usual way first.
        if state.size == (area.width, area.height) && state.overlay.is_none() {
            for action in actions {
                if interrupted() {
                    break;
                }
                let mut next = state.clone();
                if !update(&mut next, action.clone())
                    || next.quit
                    || !next.effects.is_empty()
                    || next.size != state.size
                {
                    continue;
                }
                if let Some(bytes) = screen.draw_ahead(|canvas| view::draw(canvas, &next)) {
                    ahead.push(Ahead {
                        action: action.clone(),
                        state: next,
                        bytes,
                    });
                }
            }
        }
        Self {
            from: (state.revision(), screen.frames()),
            ahead,
        }
    }

    /// How many frames are drawn ahead.
    pub fn len(&self) -> usize {
        self.ahead.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ahead.is_empty()
    }

    /// Answers `action` with the frame drawn ahead for it, when there is one from this state
    /// on this screen: sends its bytes, moves the state on as the action does, calls `pause`,
    /// and brings the screen up to what the terminal shows. Returns whether it did; if not,
    /// nothing changed. The other frames drawn ahead are dropped either way, as the state
    /// moves on.
    pub fn answer<W: Write>(
        &mut self,
        action: &Action,
        state: &mut State,
        screen: &mut Screen<W>,
        pause: impl FnOnce() -> io::Result<()>,
    ) -> io::Result<bool> {
        let found = self.ahead.iter().position(|a| a.action == *action);
        let Some(index) = found.filter(|_| self.from == (state.revision(), screen.frames())) else {
            self.ahead.clear();
            return Ok(false);
        };
        let out = screen.writer_mut();
        out.write_all(&self.ahead[index].bytes)?;
        out.flush()?;
        let Ahead {
            state: after,
            bytes,
            ..
        } = self.ahead.swap_remove(index);
        let before = std::mem::replace(state, after);
        pause()?;
        // Freeing the state left behind and the frames not taken is work too: only after the
        // pause.
        drop(before);
        self.ahead.clear();
        let sent = screen.draw_sent(|canvas| view::draw(canvas, state));
        debug_assert!(
            sent == bytes,
            "the frame drawn ahead for {action:?} is not the one drawn after"
        );
        screen.tidy_spare();
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use ratatui::layout::Rect;

    use super::*;
    use crate::Library;

    /// The embedded issue open at `width`×`height`, its first frame drawn.
    fn opened(width: u16, height: u16) -> (State, Screen<Vec<u8>>) {
        let library = Arc::new(Library::embedded().expect("embedded issue"));
        let mut state = State::new(library);
        update(&mut state, Action::Resize(width, height));
        let mut screen = Screen::new(Vec::new(), Rect::new(0, 0, width, height));
        screen.draw(|c| view::draw(c, &state)).expect("draw");
        screen.writer_mut().clear();
        (state, screen)
    }

    /// What the screen sends for `state`'s frame.
    fn drawn(state: &State, screen: &mut Screen<Vec<u8>>) -> Vec<u8> {
        screen.draw(|c| view::draw(c, state)).expect("draw");
        std::mem::take(screen.writer_mut())
    }

    fn no_key() -> bool {
        false
    }

    /// A line down, drawn ahead, is answered with the bytes drawing it after the key sends,
    /// and leaves the state and the screen as drawing it would: the next frame is the same.
    #[test]
    fn a_key_drawn_ahead_is_answered_as_drawing_after_it_would() {
        for zoomed in [false, true] {
            let (mut state, mut screen) = opened(100, 30);
            let (mut after, mut after_screen) = opened(100, 30);
            if zoomed {
                update(&mut state, Action::Zoom);
                update(&mut after, Action::Zoom);
                drawn(&state, &mut screen);
                drawn(&after, &mut after_screen);
            }
            for action in [Action::Down, Action::Down, Action::PageDown, Action::Up] {
                let mut ahead = Foresight::look_ahead(&state, &mut screen, &LIKELY, no_key);
                // At the top of the text, up and a page up change nothing.
                assert!(ahead.len() >= 2, "{action:?}, zoomed {zoomed}");
                let mut paused = false;
                let answered = ahead
                    .answer(&action, &mut state, &mut screen, || {
                        paused = true;
                        Ok(())
                    })
                    .expect("answer");
                assert!(answered && paused, "{action:?}, zoomed {zoomed}");
                update(&mut after, action.clone());
                let expected = drawn(&after, &mut after_screen);
                assert!(!expected.is_empty());
                assert_eq!(
                    String::from_utf8_lossy(&std::mem::take(screen.writer_mut())),
                    String::from_utf8_lossy(&expected),
                    "{action:?}, zoomed {zoomed}"
                );
                assert_eq!(state.revision(), after.revision());
                assert_eq!(screen.shown(), after_screen.shown());
            }
            // Both go on alike from there.
            update(&mut state, Action::MentionNext);
            update(&mut after, Action::MentionNext);
            assert_eq!(drawn(&state, &mut screen), drawn(&after, &mut after_screen));
        }
    }

    /// A frame drawn ahead is not sent once the state has moved on or the screen has drawn
    /// another frame, nor for an action it was not drawn for; nothing is sent then.
    #[test]
    fn a_frame_drawn_ahead_is_sent_only_onto_what_it_was_drawn_from() {
        let (mut state, mut screen) = opened(100, 30);
        let mut ahead = Foresight::look_ahead(&state, &mut screen, &LIKELY, no_key);
        update(&mut state, Action::MentionNext);
        drawn(&state, &mut screen);
        let answered = ahead.answer(&Action::Down, &mut state, &mut screen, || Ok(()));
        assert!(!answered.expect("answer"), "the state moved on");

        let mut ahead = Foresight::look_ahead(&state, &mut screen, &LIKELY, no_key);
        drawn(&state, &mut screen);
        let answered = ahead.answer(&Action::Down, &mut state, &mut screen, || Ok(()));
        assert!(!answered.expect("answer"), "another frame was drawn");

        let mut ahead = Foresight::look_ahead(&state, &mut screen, &LIKELY, no_key);
        let revision = state.revision();
        let answered = ahead.answer(&Action::MentionNext, &mut state, &mut screen, || Ok(()));
        assert!(!answered.expect("answer"), "not drawn ahead");
        assert!(screen.writer_mut().is_empty(), "nothing sent");
        assert_eq!(state.revision(), revision, "the state is as it was");
        let answered = ahead.answer(&Action::Down, &mut state, &mut screen, || Ok(()));
        assert!(!answered.expect("answer"), "dropped with the first key");
    }

    /// Drawing ahead sends nothing and leaves the screen as it was: the frame it showed
    /// draws again without a byte, and the frame drawn ahead sends what drawing ahead gave.
    #[test]
    fn drawing_ahead_leaves_the_screen_as_it_was() {
        let (state, mut screen) = opened(100, 30);
        let mut next = state.clone();
        update(&mut next, Action::Down);
        let bytes = screen
            .draw_ahead(|c| view::draw(c, &next))
            .expect("a frame to draw ahead of");
        assert!(!bytes.is_empty());
        assert!(screen.writer_mut().is_empty(), "nothing sent");
        assert!(
            drawn(&state, &mut screen).is_empty(),
            "the same frame again"
        );
        screen.draw_ahead(|c| view::draw(c, &next));
        assert_eq!(drawn(&next, &mut screen), bytes);
    }

    /// Nothing is drawn ahead of a screen that shows nothing yet, nor for an action that
    /// changes nothing (up at the top of the text), nor in the search prompt or the help, nor
    /// once a key is waiting.
    #[test]
    fn what_is_not_drawn_ahead() {
        let (state, _) = opened(100, 30);
        let mut blank = Screen::new(Vec::new(), Rect::new(0, 0, 100, 30));
        assert!(Foresight::look_ahead(&state, &mut blank, &LIKELY, no_key).is_empty());

        let (state, mut screen) = opened(100, 30);
        let ahead = Foresight::look_ahead(&state, &mut screen, &[Action::Up], no_key);
        assert!(ahead.is_empty(), "up at the top changes nothing");

        for open in [Action::Search, Action::Help] {
            let mut overlaid = state.clone();
            update(&mut overlaid, open.clone());
            let ahead = Foresight::look_ahead(&overlaid, &mut screen, &LIKELY, no_key);
            assert!(ahead.is_empty(), "{open:?} is open");
        }

        let mut keys_waiting = [false, true].into_iter();
        let ahead = Foresight::look_ahead(&state, &mut screen, &LIKELY, || {
            keys_waiting.next().unwrap_or(true)
        });
        assert_eq!(ahead.len(), 1, "stopped when a key came");
    }
}
