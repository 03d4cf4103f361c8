// An app that loads the <script> build: the global Knowledgetalk is the class (./umd's types).
// A script, not a module: no import or export, as in a page's classic <script>.
/// <reference types="knowledgetalk-janus/umd" />
const page: Knowledgetalk = new Knowledgetalk({ server: 'ws://127.0.0.1:8188' });
page.addEventListener('presence', (e) => console.log(e.detail.type, Knowledgetalk.version));
