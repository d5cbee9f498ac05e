//! Waking an event loop whose component-model task waits: from inside that task, or from
//! another one, through a doorbell.
//!
//! A loop runs as a future inside one component-model task (see the module docs of
//! `sys::p3`). While it waits, wit-bindgen has handed the task back to the host, which calls
//! it again only for an event in its waitable set. A wake-up from inside the task (a host
//! event wit-bindgen delivers to it, another loop that the same task polls) only needs the
//! waker wit-bindgen gave the loop's future. A wake-up from another task (a request's loop
//! that puts into a `Queue` another request waits on) must give the sleeping task an event:
//! the *doorbell*, a `stream<()>` whose reader is in the task's waitable set with a read in
//! flight. The waker writes one unit; the read completes, the task gets the event, and the
//! doorbell's callback wakes the loop's future, from inside the task this time.
//!
//! The doorbell is armed when the loop goes idle (so that its task, which may have nothing
//! else to wait for, has an event to wait for: wit-bindgen refuses to sleep on an empty
//! waitable set), stays armed across the loop's later turns, and is made anew only after it
//! rang. A loop that never waits (a request answered at once) never makes one. wit-bindgen's
//! own `inter-task-wakeup` does the same job with a stream per task, made the first time the
//! task sleeps, and a read cancelled and started again on every event: about three hundredths
//! of a hello world's requests per second under `wasmtime serve`.
//!
//! The doorbell joins the task's waitable set through the C ABI that wit-bindgen's executor
//! publishes for this (`wasip3_task_set` and the `wasip3_task` structure, version 2, whose
//! task references outlive the call that made them: wit-bindgen's `rt/async_support/cabi.rs`
//! documents it).

use std::cell::RefCell;
use std::ffi::c_void;
use std::ptr;
use std::task::Waker;

/// A stream operation's result code: the operation did not finish yet.
const BLOCKED: u32 = 0xffff_ffff;

/// What wakes a loop when it is not being polled.
#[derive(Default)]
pub(crate) struct HostWaker {
    /// The waker of the loop's future, inside the component-model task that drives it.
    waker: RefCell<Option<Waker>>,
    /// The doorbell the loop's task waits on, while armed.
    doorbell: RefCell<Option<Doorbell>>,
}

/// A `stream<()>` with a read in flight in the waitable set of `task`.
struct Doorbell {
    task: Task,
    reader: Reader,
    /// Taken when it rings.
    writer: Option<Writer>,
}

impl HostWaker {
    pub(crate) fn new() -> HostWaker {
        HostWaker::default()
    }

    /// Records the waker of the loop's future, as given by its latest poll.
    pub(crate) fn set(&self, waker: &Waker) {
        let mut slot = self.waker.borrow_mut();
        if slot.as_ref().is_none_or(|w| !w.will_wake(waker)) {
            let old = slot.replace(waker.clone());
            drop(slot);
            drop(old);
        }
    }

    /// The loop goes idle in the task polling it now: arms the doorbell there, unless it is
    /// armed already.
    pub(crate) fn arm(&self) {
        if self.doorbell.borrow().is_some() {
            return;
        }
        let Some(task) = Task::current() else {
            // Not inside a task of a wit-bindgen (0.5x or later) executor: nothing to join.
            return;
        };
        let (writer, reader) = unit_stream();
        // SAFETY: a read of one unit, which takes no memory, into a null buffer, on the
        // reader this owns; it stays in flight until the writer writes, or `disarm` cancels
        // it.
        let code = unsafe { unit_read(reader.0, ptr::null_mut(), 1) };
        debug_assert_eq!(code, BLOCKED, "a doorbell read waits for its writer");
        // SAFETY: `task.ptr` goes with its vtable (see `Task`). The callback's pointer is this
        // `HostWaker`, which lives in its loop's `State` at a fixed address until it drops,
        // and which unregisters the reader before it drops (`disarm`), so the callback never
        // gets a dangling pointer.
        unsafe {
            (task.vtable.waitable_register)(
                task.ptr,
                reader.0,
                rung,
                ptr::from_ref(self).cast_mut().cast(),
            );
        }
        *self.doorbell.borrow_mut() = Some(Doorbell {
            task,
            reader,
            writer: Some(writer),
        });
    }

    /// Makes the loop run again: through its doorbell when the loop's task sleeps and this
    /// runs in another task, with its waker otherwise.
    pub(crate) fn wake(&self) {
        // Wakes from the loop's own task need no event.
        let mut doorbell = self.doorbell.borrow_mut();
        if let Some(doorbell) = doorbell.as_mut().filter(|d| !d.task.is_current()) {
            if let Some(writer) = doorbell.writer.take() {
                // SAFETY: a write of one unit (no memory) on the writer this owns, whose
                // reader has a read in flight: it completes at once, and the writer can go.
                let code = unsafe { unit_write(writer.0, ptr::null(), 1) };
                debug_assert_ne!(code, BLOCKED, "the doorbell's read takes the write");
            }
            return;
        }
        drop(doorbell);
        if let Some(waker) = self.waker.borrow().as_ref() {
            waker.wake_by_ref();
        }
    }

    /// The loop has ended: unregisters and drops the doorbell, and forgets the waker.
    pub(crate) fn clear(&self) {
        self.disarm();
        let waker = self.waker.borrow_mut().take();
        drop(waker);
    }

    fn disarm(&self) {
        let Some(doorbell) = self.doorbell.borrow_mut().take() else {
            return;
        };
        let handle = doorbell.reader.0;
        // SAFETY: `handle` was registered with this task by `arm` (unregistering one that the
        // task already delivered does nothing). Out of every waitable set, the read can be
        // cancelled, whatever became of it; then the stream's ends go.
        unsafe {
            (doorbell.task.vtable.waitable_unregister)(doorbell.task.ptr, handle);
            unit_cancel_read(handle);
        }
        drop(doorbell);
    }
}

impl Drop for HostWaker {
    fn drop(&mut self) {
        self.disarm();
    }
}

/// The doorbell rang: its read completed, and the task took its event (and its registration)
/// off the waitable set. Runs inside the loop's task, so the loop's waker can be woken.
unsafe extern "C" fn rung(host: *mut c_void, _code: u32) {
    // SAFETY: `host` is the `HostWaker` that registered this callback (`arm`); it is alive,
    // for it unregisters before it drops.
    let host = unsafe { &*host.cast::<HostWaker>() };
    let doorbell = host.doorbell.borrow_mut().take();
    drop(doorbell);
    if let Some(waker) = host.waker.borrow().as_ref() {
        waker.wake_by_ref();
    }
}

/// The readable end of a `stream<()>`, dropped with it.
struct Reader(u32);

/// The writable end of a `stream<()>`, dropped with it.
struct Writer(u32);

/// A new `stream<()>`.
fn unit_stream() -> (Writer, Reader) {
    // SAFETY: the built-in takes nothing and gives both ends' handles, which the two values
    // own from now on.
    let handles = unsafe { unit_new() };
    (Writer((handles >> 32) as u32), Reader(handles as u32))
}

impl Drop for Reader {
    fn drop(&mut self) {
        // SAFETY: the handle is this value's, and no read is in flight on it: the doorbell's
        // read was delivered (`rung`) or cancelled (`disarm`) before the reader goes.
        unsafe { unit_drop_readable(self.0) }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // SAFETY: the handle is this value's; its only write completes at once (`wake`).
        unsafe { unit_drop_writable(self.0) }
    }
}

// The canonical built-ins for `stream<()>`, as wit-component names them (the same that
// wit-bindgen's own inter-task wake-up imports).
#[link(wasm_import_module = "$root")]
unsafe extern "C" {
    #[link_name = "[stream-new-unit]"]
    fn unit_new() -> u64;
    #[link_name = "[async-lower][stream-read-unit]"]
    fn unit_read(stream: u32, buffer: *mut u8, count: usize) -> u32;
    #[link_name = "[async-lower][stream-write-unit]"]
    fn unit_write(stream: u32, buffer: *const u8, count: usize) -> u32;
    #[link_name = "[stream-cancel-read-unit]"]
    fn unit_cancel_read(stream: u32) -> u32;
    #[link_name = "[stream-drop-readable-unit]"]
    fn unit_drop_readable(stream: u32);
    #[link_name = "[stream-drop-writable-unit]"]
    fn unit_drop_writable(stream: u32);
}

/// The layout of wit-bindgen's `wasip3_task` (its `rt/async_support/cabi.rs`), version 2:
/// the task structure an executor sets while it polls a task's futures.
#[repr(C)]
struct Wasip3Task {
    version: u32,
    ptr: *mut c_void,
    waitable_register: Register,
    waitable_unregister: Unregister,
    /// Version 2 on.
    vtable: &'static Wasip3TaskVtable,
}

type Register = unsafe extern "C" fn(
    *mut c_void,
    u32,
    unsafe extern "C" fn(*mut c_void, u32),
    *mut c_void,
) -> *mut c_void;
type Unregister = unsafe extern "C" fn(*mut c_void, u32) -> *mut c_void;

#[repr(C)]
struct Wasip3TaskVtable {
    waitable_register: Register,
    waitable_unregister: Unregister,
    clone: unsafe extern "C" fn(*mut c_void) -> *mut c_void,
    drop: unsafe extern "C" fn(*mut c_void),
}

const WASIP3_TASK_V2: u32 = 2;

unsafe extern "C" {
    /// Sets the current task structure and returns the one before (wit-bindgen's executor
    /// sets it while it polls a task; any wit-bindgen version's definition serves).
    fn wasip3_task_set(task: *mut Wasip3Task) -> *mut Wasip3Task;
}

/// A counted reference to a component-model task of a wit-bindgen executor.
struct Task {
    /// What the vtable's functions take: the task's own pointer, counted once more for this.
    ptr: *mut c_void,
    vtable: &'static Wasip3TaskVtable,
}

impl Task {
    /// The task being polled now, when its executor speaks version 2 or later.
    fn current() -> Option<Task> {
        let task = current_task();
        // SAFETY: a non-null pointer from `wasip3_task_set` is the structure the executor
        // keeps for as long as it polls the task, which goes on while this runs; its
        // `version` tells which fields there are, and version 2 has the vtable, whose
        // `clone` counts `ptr` once more for the reference returned.
        unsafe {
            if task.is_null() || (*task).version < WASIP3_TASK_V2 {
                return None;
            }
            let vtable = (*task).vtable;
            Some(Task {
                ptr: (vtable.clone)((*task).ptr),
                vtable,
            })
        }
    }

    /// Whether this is the task being polled now.
    fn is_current(&self) -> bool {
        let task = current_task();
        // SAFETY: as in `current`: the structure is alive while its task is polled. A clone
        // of a task's pointer is that same pointer.
        !task.is_null() && unsafe { (*task).ptr } == self.ptr
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        // SAFETY: `ptr` is the reference `clone` made for this `Task`, released once.
        unsafe { (self.vtable.drop)(self.ptr) }
    }
}

/// The current task structure, left as it was (null outside any task).
fn current_task() -> *mut Wasip3Task {
    // SAFETY: reading the pointer by swapping in null, then putting it straight back, with
    // nothing in between that could observe the null.
    unsafe {
        let task = wasip3_task_set(ptr::null_mut());
        wasip3_task_set(task);
        task
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::future::poll_fn;
    use std::rc::Rc;
    use std::task::Poll;

    use super::*;

    #[test]
    fn the_task_being_polled_is_current_and_its_clone_names_it() {
        let outer = current_task();
        wit_bindgen::block_on(async {
            let task = Task::current().expect("wit-bindgen's block_on sets a version 2 task");
            assert!(task.is_current());
            assert_ne!(current_task(), outer, "block_on polls a task of its own");
            let again = Task::current().expect("the same task");
            assert_eq!(again.ptr, task.ptr);
        });
        assert_eq!(current_task(), outer, "the task before is back");
    }

    /// A loop idle in one task (the outer `block_on`), woken from another (an inner
    /// `block_on`): the doorbell rings, the outer task gets the event, and the doorbell's
    /// callback wakes the loop's future there.
    #[test]
    fn a_wake_from_another_task_rings_the_doorbell_and_the_loop_runs() {
        let host = Rc::new(HostWaker::default());
        let polls = Rc::new(Cell::new(0));
        let (h, p) = (host.clone(), polls.clone());
        wit_bindgen::block_on(poll_fn(move |cx| {
            p.set(p.get() + 1);
            h.set(cx.waker());
            match p.get() {
                1 => {
                    h.arm();
                    assert!(h.doorbell.borrow().is_some(), "armed while idle");
                    wit_bindgen::block_on(async { h.wake() });
                    assert!(
                        h.doorbell.borrow().as_ref().unwrap().writer.is_none(),
                        "rung"
                    );
                    Poll::Pending
                }
                _ => {
                    assert!(h.doorbell.borrow().is_none(), "gone once it rang");
                    Poll::Ready(())
                }
            }
        }));
        assert_eq!(polls.get(), 2, "polled again, by the doorbell's callback");
    }

    #[test]
    fn a_wake_from_the_loops_own_task_uses_its_waker_and_keeps_the_doorbell() {
        let host = HostWaker::default();
        let polls = Cell::new(0);
        wit_bindgen::block_on(poll_fn(|cx| {
            polls.set(polls.get() + 1);
            host.set(cx.waker());
            if polls.get() == 1 {
                host.arm();
                host.wake();
                return Poll::Pending;
            }
            let armed = host
                .doorbell
                .borrow()
                .as_ref()
                .is_some_and(|d| d.writer.is_some());
            assert!(armed, "still armed");
            // A registered doorbell is work the task waits for: the loop clears it as it ends.
            host.clear();
            assert!(host.doorbell.borrow().is_none(), "cleared with its loop");
            Poll::Ready(())
        }));
        assert_eq!(polls.get(), 2);
    }
}
