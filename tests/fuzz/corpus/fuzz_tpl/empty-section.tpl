{{#a}}{{#items}}{{/items}}{{/a}}
  {{title}}
es}}{nted
  {{title}}
