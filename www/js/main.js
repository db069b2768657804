// Page entry: the whole app is the <occlude-editor> element; importing it defines it.

import './occlude-editor.js';
