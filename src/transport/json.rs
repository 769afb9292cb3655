//! [`JsonView`] over JavaScript values parsed by the engine's own `JSON.parse` (so no JSON
//! parser ships in the wasm). Own properties only: a body without `data` never borrows one
//! planted on `Object.prototype`.

use crate::proto::JsonView;
use crate::sys::{is_json_object, own_value};
use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};

impl JsonView for JsValue {
    fn get(&self, key: &str) -> Option<Self> {
        Some(own_value(self, key)).filter(|v| !v.is_undefined())
    }
    fn string(&self) -> Option<String> {
        self.as_string()
    }
    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
    fn is_object(&self) -> bool {
        is_json_object(self)
    }
    fn is_array(&self) -> bool {
        Array::is_array(self)
    }
    fn number(&self) -> Option<f64> {
        self.as_f64()
    }
    fn array_len(&self) -> usize {
        self.dyn_ref::<Array>().map_or(0, |a| a.length() as usize)
    }
}
