//! Terminal events to actions: key presses through the keymap, mouse wheel and clicks, and
//! resizes, with bursts of resizes merged into the last one.

use crossterm::event::{Event, KeyEventKind, MouseButton, MouseEventKind};

use super::action::{Action, Mouse, MouseKind};
use super::app::State;
use super::keymap::Key;

/// The action for one event in the current state, if it means anything.
pub fn to_action(state: &State, event: &Event) -> Option<Action> {
    match event {
        // Release and repeat reports (kitty protocol, Windows) would double every key.
        Event::Key(key) if key.kind == KeyEventKind::Press => {
            state.action_for(Key::from_event(*key)?)
        }
        Event::Mouse(mouse) => {
            let kind = match mouse.kind {
                MouseEventKind::ScrollDown => MouseKind::ScrollDown,
                MouseEventKind::ScrollUp => MouseKind::ScrollUp,
                MouseEventKind::Down(MouseButton::Left) => MouseKind::Click,
                _ => return None,
            };
            Some(Action::Mouse(Mouse {
                kind,
                column: mouse.column,
                row: mouse.row,
            }))
        }
        Event::Resize(w, h) => Some(Action::Resize(*w, *h)),
        _ => None,
    }
}

/// Drops every resize but the last of a burst: dragging a window edge sends dozens, and only
/// the final size needs a layout. In place, so the loop's list is reused from key to key.
pub fn merge_resizes(events: &mut Vec<Event>) {
    let Some(last) = events.iter().rposition(|e| matches!(e, Event::Resize(..))) else {
        return;
    };
    let mut index = 0;
    events.retain(|e| {
        let keep = !matches!(e, Event::Resize(..)) || index == last;
        index += 1;
        keep
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    #[test]
    fn only_the_last_resize_of_a_burst_survives() {
        let key = Event::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE));
        let events = vec![
            Event::Resize(10, 10),
            key.clone(),
            Event::Resize(20, 20),
            Event::Resize(30, 30),
        ];
        let mut merged = events;
        merge_resizes(&mut merged);
        assert_eq!(merged, vec![key.clone(), Event::Resize(30, 30)]);
        let mut keys = vec![key.clone(), key.clone()];
        merge_resizes(&mut keys);
        assert_eq!(keys, vec![key.clone(), key], "no resize, nothing dropped");
    }
}
